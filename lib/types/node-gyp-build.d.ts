declare module 'node-gyp-build' {
  interface NodeGypBuild {
    (dir: string): unknown;
    /** Resolves the .node file node-gyp-build would load from `dir`; throws when none exists. */
    path(dir: string): string;
  }
  const nodeGypBuild: NodeGypBuild;
  export = nodeGypBuild;
}
