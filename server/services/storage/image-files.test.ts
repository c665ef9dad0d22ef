import { describe, expect, it } from "vitest";
import { imageFindArgv, imageListInfoArgv, parseFindOutput } from "./image-files";

describe("image file listing", () => {
  it("finds image files two levels under a root, as argv, with NUL-separated output", () => {
    expect(imageFindArgv("/srv/images")).toEqual([
      "find",
      "-H",
      "/srv/images",
      "-maxdepth",
      "2",
      "-type",
      "f",
      "(",
      "-name",
      "*.qcow2",
      "-o",
      "-name",
      "*.img",
      "-o",
      "-name",
      "*.raw",
      ")",
      "-print0",
    ]);
  });

  it("refuses a root that is not a plain absolute path before any command exists", () => {
    expect(() => imageFindArgv("-delete")).toThrow(/root/);
    expect(() => imageFindArgv("/srv/../etc")).toThrow(/root/);
  });

  it("keeps only paths under the root, sorted, including names with spaces or newlines", () => {
    const out = "/srv/images/b.qcow2\0/srv/images/web/a disk.img\0/srv/images/odd\nname.raw\0\0";
    expect(parseFindOutput(out, "/srv/images")).toEqual(["/srv/images/b.qcow2", "/srv/images/odd\nname.raw", "/srv/images/web/a disk.img"]);
    expect(parseFindOutput("/srv/imagesX/evil.img\0", "/srv/images")).toEqual([]);
    expect(parseFindOutput("", "/srv/images/")).toEqual([]);
  });

  it("reads each image without its backing chain, ending options before the path", () => {
    expect(imageListInfoArgv("/srv/images/-x.qcow2")).toEqual([
      "sh",
      "-c",
      expect.stringContaining('exec qemu-img info -U -f "$f" --output=json -- "$1"'),
      "sh",
      "/srv/images/-x.qcow2",
    ]);
  });
});
