// ESLint for the whole project (scripts/test.sh runs it in its lint stage). The layer rule
// and import loops are checked by dependency-cruiser (.dependency-cruiser.cjs); formatting
// is Prettier's (.prettierrc). Here: typescript-eslint's recommended rules, React's hooks.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "build/", "server/generated/", "data/", "test-results/", "playwright-report/", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mjs}"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        clearImmediate: "readonly",
        URL: "readonly",
        performance: "readonly",
        fetch: "readonly",
        structuredClone: "readonly",
        queueMicrotask: "readonly",
        AbortController: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        globalThis: "readonly",
        window: "readonly",
        document: "readonly",
        navigator: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Control characters in patterns are the point here: console output and free text are
      // screened for them (every such pattern is also in server/pattern-safety.test.ts).
      "no-control-regex": "off",
      // `let x = null; try { x = … } catch {}` reads better than the alternatives here.
      "no-useless-assignment": "off",
    },
  },
  {
    // One composition root (server/compose.ts): no process object on globalThis. The Prisma
    // client (server/db.ts) is the one allowed.
    files: ["server/**/*.ts"],
    ignores: ["**/*.test.ts", "server/test-support/**", "server/db.ts"],
    rules: {
      "no-restricted-globals": [
        "error",
        { name: "globalThis", message: "No process-wide singletons: build it in server/compose.ts and pass it down." },
      ],
    },
  },
  {
    files: ["components/**/*.tsx", "app/**/*.tsx", "components/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
);
