/**
 * `import path from "7z-wasm/7zz.wasm" with { type: "file" }` gives the file's path: on disk when
 * run from source, `/$bunfs/...` inside the compiled binary (the bytes are embedded, never unpacked).
 */
declare module "7z-wasm/7zz.wasm" {
  const path: string;
  export default path;
}
