// Vitest runs lib/ on plain Node, where the real `server-only` package throws; this empty module stands in for it.
export {};
