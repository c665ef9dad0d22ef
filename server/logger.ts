import pino from "pino";

// Private keys and passwords never reach a log line: these paths are censored wherever they appear.
export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  redact: {
    paths: ["privateKey", "*.privateKey", "password", "*.password", "sealedPrivateKey", "*.sealedPrivateKey"],
    censor: "[redacted]",
  },
});
