/** The nginx executable's path, or null. */
export function findNginx(): string | null;
export const MISSING_NGINX: string;
