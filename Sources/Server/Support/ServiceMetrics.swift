import Foundation
import Prometheus
import Store

/// The service's Prometheus metrics. Counts by kind and status and the queue depth are read from
/// the store at scrape time (so they survive restarts and agree with the log); latencies are
/// histograms fed as work happens.
public final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let buckets: [Duration] = [.milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
                                       .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30)]

    public init() {}

    /// Records one SMTP send (one delivery attempt) of a mail of `kind`.
    func recordSend(kind: MailKind, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "herald", metricName: "send_duration", unitName: "seconds",
                                             helpText: "Time of one delivery attempt, from handing the mail to the transport to its answer"),
            labels: [("kind", kind.rawValue)], buckets: buckets).record(duration)
    }

    /// Records one report render (data, template, PDF).
    func recordRender(report: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "herald", metricName: "report_render_duration", unitName: "seconds",
                                             helpText: "Time to gather data and render one report PDF"),
            labels: [("report", report)], buckets: buckets).record(duration)
    }

    /// Counts one request refused by a tenant's quota (or its render gate).
    func recordRefusal(tenant: String, limit: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "herald", metricName: "quota_refusals", unitName: "total",
                                             helpText: "Requests refused because a tenant reached a quota, by tenant and quota"),
            labels: [("tenant", tenant), ("limit", limit)]).increment()
    }

    /// The exposition text, with the outbox's counts (by kind and status) and queue depth (by lane) as read now.
    func exposition(counts: [(kind: String, status: String, count: Int)], depth: [MailKind: Int]) -> String {
        for (kind, status, count) in counts {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "herald", metricName: "mails", unitName: "count",
                                                                helpText: "Mails in the notification log (retention period) by kind and status"),
                               labels: [("kind", kind), ("status", status)]).set(to: Double(count))
        }
        for kind in MailKind.allCases {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "herald", metricName: "queue_depth", unitName: "mails",
                                                                helpText: "Mails waiting to be sent, by lane"),
                               labels: [("lane", kind.rawValue)]).set(to: Double(depth[kind] ?? 0))
        }
        return registry.emitToString()
    }
}
