-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "commandText" TEXT;

