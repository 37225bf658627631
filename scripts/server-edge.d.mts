import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";

export interface EdgeTimeouts {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
  keepAliveTimeout: number;
}

export interface EdgeRefusal {
  kind: "bad_path" | "method_not_allowed";
  method: string;
  path: string;
}

export declare const SERVER_TIMEOUTS: Readonly<EdgeTimeouts>;
export declare const PEER_HEADER: string;
export declare const EDGE_MARK: symbol;
export declare function createServer(handler: RequestListener, overrides?: Partial<EdgeTimeouts>): Server;
export declare function publicPaths(dir: string): Set<string>;
export declare function malformedPath(pathname: string): boolean;
export declare function createEdge(options?: {
  baseUrl?: string;
  staticPaths?: ReadonlySet<string>;
  report?: (refused: EdgeRefusal) => void;
}): (req: IncomingMessage, res: ServerResponse) => boolean;
