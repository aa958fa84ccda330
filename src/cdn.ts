/**
 * The CDN bundle's entry: every element registered, and the public API as exports (for
 * `<script type="module">`) or as `window.AdminRealtime` (for the classic IIFE script).
 */
export * from './index.js';
