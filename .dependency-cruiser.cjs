// The layer rule of ../shared/DESIGN.md and docs/architecture.md, checked by
// `npm run lint:layers` (scripts/test.sh runs it in its lint stage). Imports point down:
//   app/ components/  ->  lib/ (and server types only)
//   server/api  ->  services  ->  hypervisors/ hosts/ network/ storage/, jobs/ audit/ console/
//   subject modules (hosts/ network/ storage/ hypervisors/)  ->  ssh/, lib/, errors
//   lib/  ->  nothing of the project, no Node or browser API
// and nothing in server/ imports scripts/ (the lab harness), except tests and the one
// wiring point for the demo host. No import loop anywhere, lazy import() included.
const TESTS = "(\\.test\\.tsx?$|\\.integration\\.test\\.ts$|^server/test-support/)";
const SUBJECTS = "^server/(hosts|network|storage|hypervisors)/";
// What server/api may import besides `import type` (which is fine from anywhere): the
// use-cases, itself, lib/, the neutral checks (errors, names), and packages.
const API_MAY_IMPORT = ["^server/services/", "^server/api/", "^lib/", "^server/errors\\.ts$", "^server/names\\.ts$", "^node_modules/"];
// The tRPC plumbing reads the request itself: the session cookie and the client's address
// (auth/request-security), the proxy policy (env.ts), the ended-session message (auth/).
const API_EDGE = "^server/api/(context|trpc)\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import loop (lazy import() counts): pass the dependency in instead.",
      from: { pathNot: TESTS },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "server-not-to-harness",
      severity: "error",
      comment: "Production code does not import the lab harness in scripts/; the demo host is wired in server/main.ts only.",
      from: { path: "^server/", pathNot: [TESTS, "^server/main\\.ts$"] },
      to: { path: "^scripts/" },
    },
    {
      name: "lib-is-pure",
      severity: "error",
      comment: "lib/ is pure code both sides import: nothing from server/, app/, components/, scripts/, no Node builtins.",
      from: { path: "^lib/", pathNot: TESTS },
      to: { path: "^(server|app|components|scripts)/" },
    },
    {
      name: "lib-no-node",
      severity: "error",
      from: { path: "^lib/", pathNot: TESTS },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "ui-only-server-types",
      severity: "error",
      comment: "Pages and components talk to the server through tRPC: server/ only as types.",
      from: { path: "^(app|components)/", pathNot: TESTS },
      to: { path: "^server/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "nothing-imports-api",
      severity: "error",
      comment: "server/api is the top of the server: only main.ts, the HTTP layer and the UI (types) import it.",
      from: { path: "^server/", pathNot: [TESTS, "^server/(api|main\\.ts$|http/)"] },
      to: { path: "^server/api/" },
    },
    {
      name: "services-not-from-below",
      severity: "error",
      comment: "services/ are use-cases: subject modules, ssh, jobs, audit and console primitives do not call up into them.",
      from: { path: "^server/(hosts|network|storage|hypervisors|ssh|jobs|audit|console|auth)/", pathNot: TESTS },
      to: { path: "^server/services/" },
    },
    {
      name: "subjects-stay-low",
      severity: "error",
      comment: "Subject modules (pure builders and parsers) call only ssh, lib and errors, not the console or the HTTP layer.",
      from: { path: SUBJECTS, pathNot: TESTS },
      to: { path: "^server/(console|http|auth)/" },
    },
    {
      name: "kinds-behind-the-contract",
      severity: "error",
      comment:
        "Services, routers, the console and pages reach a guest kind through hypervisors/registry.ts and contract.ts, never a kind's folder (hypervisors/qemu/): only the composition root wires a kind's own executor.",
      from: { path: "^(server/(services|api|console|http)/|app/|components/)", pathNot: TESTS },
      to: { path: "^server/hypervisors/(?!contract\\.ts$|registry\\.ts$|console-log/)" },
    },
    {
      name: "kinds-stay-apart",
      severity: "error",
      comment: "One guest kind's folder does not import another's: what two kinds share goes in contract.ts, console-log/ or lib/.",
      from: { path: "^server/hypervisors/([^/]+)/", pathNot: TESTS },
      to: { path: "^server/hypervisors/([^/]+)/", pathNot: ["^server/hypervisors/$1/", "^server/hypervisors/console-log/"] },
    },
    {
      name: "api-calls-services",
      severity: "error",
      comment:
        "server/api checks the input, calls one service and returns: it imports services/, lib/, errors, names and packages (anything else as `import type` only).",
      from: { path: "^server/api/", pathNot: [TESTS, API_EDGE] },
      to: { pathNot: API_MAY_IMPORT, dependencyTypesNot: ["type-only", "core"] },
    },
    {
      name: "api-edge-reads-requests",
      severity: "error",
      comment: "The tRPC context and procedures may also read the request (auth/, env.ts); nothing else below services/.",
      from: { path: API_EDGE, pathNot: TESTS },
      to: { pathNot: [...API_MAY_IMPORT, "^server/auth/", "^server/env\\.ts$"], dependencyTypesNot: ["type-only", "core"] },
    },
    {
      name: "subjects-no-db",
      severity: "error",
      comment:
        "Subject modules build argv and parse output: they never touch the database (not even its types); the service that calls them does.",
      from: { path: SUBJECTS, pathNot: TESTS },
      to: { path: "^server/db\\.ts$" },
    },
    {
      name: "ssh-is-the-bottom",
      severity: "error",
      comment: "server/ssh is the lowest server layer: it imports no subject module, service, job or console code.",
      from: { path: "^server/ssh/", pathNot: TESTS },
      to: { path: "^server/(hosts|network|storage|hypervisors|services|api|jobs|console|audit|auth|http)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^server/generated/|^node_modules/|^\\.next/|^build/)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      extensions: [".ts", ".tsx", ".js", ".mjs"],
    },
    moduleSystems: ["es6", "cjs"],
  },
};
