-- CreateTable
CREATE TABLE "NetworkRecord" (
    "hostId" TEXT NOT NULL PRIMARY KEY,
    "networkJson" TEXT NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recordedBy" TEXT NOT NULL,
    "jobId" TEXT,
    CONSTRAINT "NetworkRecord_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "NetworkChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "jobId" TEXT,
    "title" TEXT NOT NULL,
    "opsJson" TEXT NOT NULL,
    "workDir" TEXT NOT NULL,
    "rollbackSeconds" INTEGER,
    "deadline" DATETIME,
    "state" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" DATETIME,
    "decidedBy" TEXT,
    CONSTRAINT "NetworkChange_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TopologyLayout" (
    "scope" TEXT NOT NULL PRIMARY KEY,
    "positionsJson" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "updatedBy" TEXT NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Host" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 22,
    "username" TEXT NOT NULL,
    "sealedPrivateKey" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "hostKeyFingerprint" TEXT,
    "hostKeyPinnedAt" DATETIME,
    "hostKeyPinnedBy" TEXT,
    "runDir" TEXT NOT NULL DEFAULT '/var/lib/labdeck',
    "storageRoots" TEXT NOT NULL DEFAULT '[]',
    "probeJson" TEXT,
    "probedAt" DATETIME,
    "configRoot" TEXT NOT NULL DEFAULT '/',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Host" ("address", "createdAt", "hostKeyFingerprint", "hostKeyPinnedAt", "hostKeyPinnedBy", "id", "name", "port", "probeJson", "probedAt", "publicKey", "runDir", "sealedPrivateKey", "storageRoots", "updatedAt", "username") SELECT "address", "createdAt", "hostKeyFingerprint", "hostKeyPinnedAt", "hostKeyPinnedBy", "id", "name", "port", "probeJson", "probedAt", "publicKey", "runDir", "sealedPrivateKey", "storageRoots", "updatedAt", "username" FROM "Host";
DROP TABLE "Host";
ALTER TABLE "new_Host" RENAME TO "Host";
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "NetworkChange_hostId_createdAt_idx" ON "NetworkChange"("hostId", "createdAt");

