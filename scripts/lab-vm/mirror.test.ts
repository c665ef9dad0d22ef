import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { machineMirror, parseDeb822Sources, parseSourcesList, pickMirror } from "./mirror";

// The deb822 file of a stock Debian 12 cloud image (what this test machine has).
const DEBIAN_SOURCES = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe("apt sources", () => {
  it("reads deb822 stanzas", () => {
    const s = parseDeb822Sources(DEBIAN_SOURCES);
    expect(s).toHaveLength(2);
    expect(s[0]).toMatchObject({ types: ["deb"], uris: ["http://deb.debian.org/debian"], suites: ["bookworm", "bookworm-updates"] });
    expect(pickMirror(s, "bookworm")).toBe("http://deb.debian.org/debian");
  });

  it("reads one-line entries with options and skips deb-src, comments and other suites", () => {
    const s = parseSourcesList(
      [
        "# deb http://commented.example/debian bookworm main",
        "deb-src http://src.example/debian bookworm main",
        "deb http://security.debian.org/debian-security bookworm-security main",
        "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main contrib",
      ].join("\n"),
    );
    expect(pickMirror(s, "bookworm")).toBe("http://mirror.example/debian");
  });

  it("ignores disabled stanzas, components other than main and non-http URIs", () => {
    const s = [
      ...parseDeb822Sources("Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n"),
      ...parseSourcesList("deb http://contrib.example/debian bookworm contrib\ndeb file:/srv/debian bookworm main\n"),
    ];
    expect(pickMirror(s, "bookworm")).toBeNull();
  });

  it("reads only *.list and *.sources files, like apt", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ldk-apt-"));
    try {
      await mkdir(path.join(dir, "sources.list.d"));
      await writeFile(
        path.join(dir, "sources.list.d", "a.sources.disabled"),
        "Types: deb\nURIs: http://no.example/d\nSuites: bookworm\nComponents: main\n",
      );
      await writeFile(path.join(dir, "sources.list.d", "debian.sources"), DEBIAN_SOURCES);
      expect(await machineMirror("bookworm", dir)).toBe("http://deb.debian.org/debian");
      await expect(machineMirror("trixie", dir)).rejects.toThrow(/trixie main/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
