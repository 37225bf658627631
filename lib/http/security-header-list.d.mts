export interface HeaderPair {
  readonly key: string;
  readonly value: string;
}
export declare const HSTS: string;
export declare function hstsFor(baseUrl: string): string | null;
export declare const NOSNIFF: HeaderPair;
export declare const COMMON_HEADERS: ReadonlyArray<HeaderPair>;
export declare const FRAME_DENY: HeaderPair;
export declare const API_CSP: HeaderPair;
export declare const API_HEADERS: ReadonlyArray<HeaderPair>;
