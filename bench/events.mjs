/** Mixed events of the reference domain, deterministic by index (no randomness between runs). */
const CATEGORIES = ['system', 'security', 'billing', 'agents', 'users', 'calls'];
const PRIORITIES = ['low', 'medium', 'medium', 'high'];
const TYPES = ['authentication', 'agents', 'billing', 'contacts'];
const COMPONENTS = ['database', 'api', 'voiceProvider', 'payments'];

export function mixedEvent(i) {
  const at = new Date().toISOString();
  const slot = i % 20;
  if (slot < 8) {
    return {
      kind: 'notification',
      title: `Agent pool ${i % 37} call volume above forecast`,
      message: `Queue depth ${i % 91} for region ${i % 5}; consider scaling out.`,
      category: CATEGORIES[i % CATEGORIES.length],
      // One in 200 critical, so the alerts element works too without flooding the page with toasts.
      priority: i % 200 === 0 ? 'critical' : PRIORITIES[i % PRIORITIES.length],
      createdAt: at,
    };
  }
  if (slot < 14) {
    return {
      kind: 'activity',
      type: TYPES[i % TYPES.length],
      action: 'updated',
      user: { id: `u${i % 50}`, name: `User ${i % 50}` },
      detail: `Changed agent ${i % 13} prompt`,
      at,
    };
  }
  if (slot < 17) {
    return {
      kind: 'metrics',
      values: {
        activeUsers: 100 + (i % 40),
        activeCalls: 20 + (i % 15),
        systemLoad: (i % 100) / 100,
        responseTimeMs: 80 + (i % 60),
        errorRate: (i % 7) / 100,
      },
      at,
    };
  }
  if (slot < 19) {
    const components = {};
    for (const [k, name] of COMPONENTS.entries())
      components[name] = { state: (i + k) % 23 === 0 ? 'degraded' : 'operational', latencyMs: 20 + ((i + k) % 30) };
    return { kind: 'status', components, at };
  }
  return { kind: 'agents', active: 10 + (i % 9), idle: 5 + (i % 4), error: i % 3, at };
}
