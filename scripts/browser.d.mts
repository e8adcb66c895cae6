export declare const SYSTEM_BROWSERS: readonly string[];
export declare const INSTALL_HINT: string;
export declare function findChromium(env?: NodeJS.ProcessEnv): { path: string; error?: undefined } | { path?: undefined; error: string };
export declare function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined;
