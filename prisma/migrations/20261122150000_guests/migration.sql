-- CreateTable
CREATE TABLE "Guest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hypervisor" TEXT NOT NULL DEFAULT 'qemu',
    "definitionJson" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Guest_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Host" ("address", "createdAt", "hostKeyFingerprint", "hostKeyPinnedAt", "hostKeyPinnedBy", "id", "name", "port", "probeJson", "probedAt", "publicKey", "runDir", "sealedPrivateKey", "updatedAt", "username") SELECT "address", "createdAt", "hostKeyFingerprint", "hostKeyPinnedAt", "hostKeyPinnedBy", "id", "name", "port", "probeJson", "probedAt", "publicKey", "runDir", "sealedPrivateKey", "updatedAt", "username" FROM "Host";
DROP TABLE "Host";
ALTER TABLE "new_Host" RENAME TO "Host";
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Guest_hostId_name_key" ON "Guest"("hostId", "name");

