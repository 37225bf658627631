export declare const BUILD_SOURCES: string[];
export declare function newestMtime(entry: string): number;
export declare function buildReason(root: string, env: Record<string, string | undefined>): string | null;
