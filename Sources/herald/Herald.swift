import ArgumentParser

@main
struct Herald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald: reports, alerts, digests and 2FA mails for the monitoring product, through one SMTP core.",
        subcommands: [MailCommand.self, SMTPCommand.self, CronCommand.self, OutboxCommand.self, DeliverCommand.self,
                      LogCommand.self, AuditCommand.self, SuppressionsCommand.self, ReportCommand.self,
                      TemplateCommand.self, ServeCommand.self]
    )
}

/// Exit statuses as mail tools use them (sysexits.h).
enum ExitStatus {
    static let usage = ExitCode(64)        // EX_USAGE: bad usage or bad input
    static let dataError = ExitCode(65)    // EX_DATAERR
    static let unavailable = ExitCode(69)  // EX_UNAVAILABLE: permanent failure
    static let software = ExitCode(70)     // EX_SOFTWARE
    static let tempFail = ExitCode(75)     // EX_TEMPFAIL: worth retrying
    static let config = ExitCode(78)       // EX_CONFIG: configuration error
}
