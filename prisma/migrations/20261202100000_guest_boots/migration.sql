-- CreateTable
CREATE TABLE "GuestBoot" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "guestId" TEXT NOT NULL,
    "jobId" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedBy" TEXT NOT NULL,
    "logInode" TEXT NOT NULL,
    "logOffset" BIGINT NOT NULL,
    CONSTRAINT "GuestBoot_guestId_fkey" FOREIGN KEY ("guestId") REFERENCES "Guest" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "GuestBoot_guestId_startedAt_idx" ON "GuestBoot"("guestId", "startedAt");

