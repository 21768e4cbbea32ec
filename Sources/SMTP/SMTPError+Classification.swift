import CCurl

extension SMTPError {
    /// Classifies a negative reply by its code: 4xx temporary, 5xx permanent; AUTH failures and
    /// well-known rejections get a remedy, with provider-specific advice where the host tells the provider.
    static func classify(_ reply: SMTPReply, stage: String, host: String) -> SMTPError {
        let severity: Severity = reply.isTemporary ? .temporary : .permanent
        let enhanced = reply.enhancedCode ?? ""
        let provider = Provider(host: host)
        switch stage {
        case "AUTH" where !reply.isTemporary:
            return SMTPError(.authenticationFailed, .permanent, "\(reply) — \(provider.authRemedy)", reply: reply)
        case "AUTH":
            return SMTPError(.authenticationFailed, .temporary, "\(reply) — the server cannot check credentials right now; retry later", reply: reply)
        case "STARTTLS":
            return SMTPError(.tlsFailed, severity, "\(reply) — the server refused STARTTLS; nothing was sent in clear", reply: reply)
        case "greeting":
            let remedy = reply.isTemporary
                ? "the server is not accepting connections right now (overloaded or rate-limited); retry later"
                : "the server refuses connections from this host; ask its administrator to allow it"
            return SMTPError(.rejected, severity, "\(reply) at connect — \(remedy)", reply: reply)
        default:
            break
        }
        let remedy: String
        if reply.code == 421 {
            remedy = "the server is closing the connection (overloaded or rate-limited); retry later"
        } else if reply.code == 530 || enhanced == "5.7.0" && reply.text.lowercased().contains("auth") {
            remedy = "the server requires authentication first: set a user and password"
        } else if reply.code == 552 || enhanced == "5.3.4" || enhanced == "5.2.3" {
            remedy = "the message is too large for this server; send a smaller attachment or a link"
        } else if stage == "RCPT" && ["5.1.1", "5.1.10", "5.2.1", "5.1.6", "5.1.0"].contains(enhanced) {
            remedy = "the recipient's mailbox does not exist or is disabled; check the address"
        } else if stage == "RCPT" && (enhanced == "5.7.1" || reply.text.lowercased().contains("relay")) {
            remedy = "relaying denied: authenticate, or this server does not deliver to that domain"
        } else if stage == "MAIL" {
            remedy = reply.isTemporary
                ? "the server cannot take mail from this sender right now; retry later"
                : "the server does not accept this sender: use an address of a domain verified with the provider, with SPF, DKIM and DMARC in place"
        } else if reply.isTemporary {
            remedy = "a temporary failure on the server; retry later"
        } else if stage == "RCPT" {
            remedy = "the server refused this recipient"
        } else {
            remedy = "the server refused the message\(enhanced.hasPrefix("5.7") ? " (policy: often SPF, DKIM or DMARC of the sender domain)" : "")"
        }
        return SMTPError(.rejected, severity, "\(reply) — \(remedy)", reply: reply)
    }

    /// Classifies a failure that came with no server reply, from libcurl's result code.
    static func classify(curl code: CURLcode, curlText: String, settings: SMTPSettings,
                         conversation: Conversation, stage: String) -> SMTPError {
        let target = "\(settings.host):\(settings.port)"
        let timeout = SMTPConnection.milliseconds(settings.commandTimeout) / 1000
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            return SMTPError(.resolveFailed, .temporary,
                             "cannot resolve \(settings.host); check the host name (and DNS)", underlying: curlText)
        case CURLE_COULDNT_CONNECT:
            return SMTPError(.connectFailed, .temporary,
                             "cannot connect to \(target) (refused or unreachable); check host, port and firewall, or retry later", underlying: curlText)
        case CURLE_OPERATION_TIMEDOUT:
            let what = conversation.exchanges.isEmpty && conversation.connectedTo == nil
                ? "connecting to \(target) timed out" : "the server did not answer within \(timeout) s during \(stage)"
            return SMTPError(.timeout, .temporary, "\(what); retry later or raise the timeout", underlying: curlText)
        case CURLE_USE_SSL_FAILED:
            return SMTPError(.startTLSNotOffered, .configuration,
                             "\(target) does not offer STARTTLS, which TLS mode starttls requires; nothing was sent in clear. Use the server's TLS port, or --tls implicit on port 465",
                             underlying: curlText)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            return SMTPError(.certificateNotTrusted, .configuration,
                             "the certificate of \(settings.host) is not trusted (\(conversation.certificateProblem ?? curlText)); give the CA with --ca-file, or fix the server's certificate chain and name",
                             underlying: curlText)
        case CURLE_SSL_CONNECT_ERROR:
            return SMTPError(.tlsFailed, .configuration,
                             "the TLS handshake with \(target) failed; check the TLS mode (port 465 is implicit TLS, 587 STARTTLS, 25 plain)",
                             underlying: curlText)
        case CURLE_LOGIN_DENIED:
            return SMTPError(.authenticationFailed, .permanent,
                             "authentication failed — \(Provider(host: settings.host).authRemedy)", underlying: curlText)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_UPLOAD_FAILED,
             CURLE_WEIRD_SERVER_REPLY:
            return SMTPError(.connectionLost, .temporary,
                             "the connection to \(target) was closed during \(stage) without a reply; retry later", underlying: curlText)
        default:
            return SMTPError(.transport, .temporary, "sending failed during \(stage) (\(curlText)); retry later", underlying: curlText)
        }
    }
}

extension Conversation {
    /// libcurl's words for a certificate problem, when it reported one.
    var certificateProblem: String? {
        transcript.last { $0.direction == .info && ($0.text.hasPrefix("SSL certificate problem") || $0.text.hasPrefix("SSL: ")) }?.text
    }
}

/// Provider-specific advice, recognised from the server's host name.
struct Provider {
    let authRemedy: String

    init(host: String) {
        let h = host.lowercased()
        if h.contains("gmail") || h.contains("google") {
            authRemedy = "Gmail needs an app password, not the account password (Google Account → Security → App passwords; requires 2-step verification)"
        } else if h.contains("office365") || h.contains("outlook") {
            authRemedy = "Microsoft 365 needs SMTP AUTH enabled for the mailbox (\"Authenticated SMTP\"); basic auth is being retired, so prefer an OAuth2 token (--oauth2-token-env)"
        } else if h.contains("sendgrid") {
            authRemedy = "SendGrid's user is the literal word \"apikey\" and the password an API key with Mail Send permission"
        } else if h.contains("postmark") {
            authRemedy = "Postmark's user and password are both the Server API token"
        } else if h.contains("mailgun") {
            authRemedy = "Mailgun needs the SMTP credentials of the sending domain (e.g. postmaster@your-domain), not the API key"
        } else {
            authRemedy = "check the user name and password (many providers need an app password or API key)"
        }
    }
}
