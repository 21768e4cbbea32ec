import GRDB

extension Store {
    /// The schema, only ever changed by appending migrations.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "tenant") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("locale", .text).notNull().defaults(to: "en")
                t.column("timeZone", .text).notNull().defaults(to: "UTC")
                t.column("plan", .text).notNull().defaults(to: "free")
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("tenantID", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("priority", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("messageID", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("mailFrom", .text).notNull()
                t.column("idempotencyKey", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime)
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("leaseOwner", .text)
                t.column("leaseUntil", .datetime)
                // Set when a worker starts sending (not when it merely claims), so a lease that
                // runs out during a send counts as an attempt and one that runs out before does not.
                t.column("sendStartedAt", .datetime)
                t.column("queueID", .text)
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["tenantID", "idempotencyKey"])
            }
            // The final MIME bytes, written once at enqueue and read when sent.
            try db.create(table: "outboxMessage") { t in
                t.primaryKey("outboxID", .integer).references("outbox", onDelete: .cascade)
                t.column("message", .blob).notNull()
            }
            // The claim query: due entries by lane, then by due time.
            try db.create(index: "outbox_due", on: "outbox", columns: ["status", "priority", "nextAttemptAt"])
            try db.create(index: "outbox_log", on: "outbox", columns: ["tenantID", "createdAt"])
            try db.create(table: "outboxRecipient") { t in
                t.column("outboxID", .integer).notNull().references("outbox", onDelete: .cascade)
                t.column("address", .text).notNull()
                t.column("status", .text).notNull()
                t.column("replyCode", .integer)
                t.column("enhancedCode", .text)
                t.column("replyText", .text)
                t.column("updatedAt", .datetime).notNull()
                t.primaryKey(["outboxID", "address"])
            }
            try db.create(index: "outboxRecipient_address", on: "outboxRecipient", columns: ["address"])
            try db.create(table: "attempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("outboxID", .integer).notNull().indexed().references("outbox", onDelete: .cascade)
                t.column("number", .integer).notNull()
                t.column("recipient", .text)
                t.column("at", .datetime).notNull()
                t.column("outcome", .text).notNull()
                t.column("replyCode", .integer)
                t.column("enhancedCode", .text)
                t.column("replyText", .text)
            }
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("tenantID", .text)
                t.column("subject", .text)
                t.column("detail", .text).notNull()
            }
            // The audit log is append-only: the database itself refuses changes and deletions.
            try db.execute(sql: """
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
            try db.create(table: "suppression") { t in
                t.column("tenantID", .text).notNull()
                t.column("address", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("replyCode", .integer)
                t.column("enhancedCode", .text)
                t.column("replyText", .text)
                t.column("createdAt", .datetime).notNull()
                t.primaryKey(["tenantID", "address"])
            }
        }
        migrator.registerMigration("v2-service") { db in
            try db.alter(table: "tenant") { t in
                t.add(column: "brandColor", .text)
                t.add(column: "footer", .text)
                t.add(column: "fromName", .text)
                t.add(column: "adminEmail", .text)
                t.add(column: "logo", .blob)
            }
            // Only the SHA-256 of a token is kept; the token itself is shown once, at creation.
            try db.create(table: "apiToken") { t in
                t.primaryKey("hash", .text)
                t.column("tenantID", .text).notNull().indexed().references("tenant", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "schedule") { t in
                t.primaryKey("id", .text)
                t.column("tenantID", .text).notNull().indexed().references("tenant", onDelete: .cascade)
                t.column("definition", .text).notNull()
                t.column("enabled", .boolean).notNull()
                t.column("activeSince", .datetime).notNull()
                // The last slot the scheduler handled (ran or recorded as missed).
                t.column("handledThrough", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            // One row per slot (schedule, instant): the idempotency record of report runs and the
            // trace of missed ones.
            try db.create(table: "reportRun") { t in
                t.column("scheduleID", .text).notNull()
                t.column("slot", .datetime).notNull()
                t.column("tenantID", .text).notNull()
                t.column("status", .text).notNull()
                t.column("detail", .text)
                t.column("outboxIDs", .text)
                // An ad-hoc run's request (JSON); scheduled runs read their schedule.
                t.column("request", .text)
                // When the missed-run watchdog reported this slot.
                t.column("overdueAt", .datetime)
                // Failed attempts so far, and when a run that failed for a passing cause is tried again.
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("retryAt", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.primaryKey(["scheduleID", "slot"])
            }
            try db.create(index: "reportRun_status", on: "reportRun", columns: ["status", "slot"])
            try db.create(table: "customTemplate") { t in
                t.column("tenantID", .text).notNull().references("tenant", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("locale", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("text", .text).notNull()
                t.column("html", .text)
                t.column("updatedAt", .datetime).notNull()
                t.primaryKey(["tenantID", "kind", "locale"])
            }
            // Every state change received, for availability and alert summaries in reports.
            try db.create(table: "alertEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("tenantID", .text).notNull()
                t.column("host", .text).notNull()
                t.column("service", .text).notNull()
                t.column("status", .text).notNull()
                t.column("message", .text).notNull()
                t.column("at", .datetime).notNull()
            }
            try db.create(index: "alertEvent_tenant", on: "alertEvent", columns: ["tenantID", "at"])
            // The same state change posted again (a client retrying) is the same event.
            try db.create(index: "alertEvent_unique", on: "alertEvent", columns: ["tenantID", "host", "service", "at", "status"], unique: true)
            // The open problem per host and service: its mail's Message-ID threads recoveries under it.
            try db.create(table: "alertProblem") { t in
                t.column("tenantID", .text).notNull()
                t.column("host", .text).notNull()
                t.column("service", .text).notNull()
                t.column("messageID", .text).notNull()
                t.column("status", .text).notNull()
                t.column("since", .datetime).notNull()
                // True once a mail carries messageID; until then the next mail opens the thread.
                t.column("threadOpened", .boolean).notNull().defaults(to: false)
                t.primaryKey(["tenantID", "host", "service"])
            }
            // Events waiting for their digest window to close.
            try db.create(table: "digestEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("tenantID", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("windowEnd", .datetime).notNull()
                t.column("event", .text).notNull()
            }
            try db.create(index: "digestEvent_unique", on: "digestEvent", columns: ["tenantID", "channel", "windowEnd", "event"], unique: true)
            try db.create(index: "digestEvent_window", on: "digestEvent", columns: ["windowEnd"])
            try db.create(table: "twoFactor") { t in
                t.primaryKey("id", .text)
                t.column("tenantID", .text).notNull()
                t.column("address", .text).notNull()
                t.column("codeHash", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("verifiedAt", .datetime)
                t.column("outboxID", .integer)
            }
            try db.create(index: "twoFactor_address", on: "twoFactor", columns: ["tenantID", "address", "createdAt"])
        }
        migrator.registerMigration("v2-tenant-quotas") { db in
            // The admin's per-tenant quota overrides, as JSON; nil: the plan's defaults apply.
            try db.alter(table: "tenant") { t in t.add(column: "quotas", .text) }
        }
        migrator.registerMigration("v3-token-scopes") { db in
            // Several tokens per tenant, each with what it may do, an optional expiry and its last use.
            try db.alter(table: "apiToken") { t in
                t.add(column: "scope", .text).notNull().defaults(to: "tenant")
                t.add(column: "expiresAt", .datetime)
                t.add(column: "lastUsedAt", .datetime)
            }
        }
        return migrator
    }
}
