import Foundation

/// How the delivery workers behave. Every field has the product's documented default.
public struct DeliveryConfiguration: Sendable {
    /// Workers sending in parallel, each over its own SMTP connection. Default 2.
    public var workers: Int = 2
    /// Waits before the retries after a temporary failure (4xx or no answer): 5 s, 30 s, 5 min.
    /// After the last one the mail is `failed`.
    public var retryDelays: [TimeInterval] = [5, 30, 300]
    /// How long a worker's claim on an entry lasts; a crashed worker's entries are taken again after it. Default 5 min.
    public var lease: TimeInterval = 300
    /// Entries a worker claims at once (all of one lane); it hands the rest back when a more urgent mail is due. Default 16.
    public var claimBatch: Int = 16
    /// Longest sleep when nothing is due, so new mails are noticed. Default 1 s.
    public var pollInterval: TimeInterval = 1
    /// Days after which final entries and their attempts are pruned. Default 30.
    public var retentionDays: Int = 30

    public init() {}
}
