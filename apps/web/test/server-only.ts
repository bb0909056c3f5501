// Vitest stand-in for the `server-only` guard.
export {};
