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
        return migrator
    }
}
