import Testing
@testable import Cron

@Suite("Human descriptions")
struct CronDescriptionTests {
    static let cases: [(String, String, String)] = [
        ("0 8 * * 1", "At 08:00 on Monday", "Um 08:00 am Montag"),
        ("* * * * *", "Every minute", "Jede Minute"),
        ("*/15 * * * *", "Every 15 minutes", "Alle 15 Minuten"),
        ("0 8,17 * * 1-5", "At 08:00 and 17:00 on Monday through Friday", "Um 08:00 und 17:00 von Montag bis Freitag"),
        ("30 6 * * mon,wed,fri", "At 06:30 on Monday, Wednesday and Friday", "Um 06:30 am Montag, Mittwoch und Freitag"),
        ("*/15 9-17 * * *", "Every 15 minutes, between 09:00 and 17:59", "Alle 15 Minuten, zwischen 09:00 und 17:59"),
        ("5 * * * *", "At minute 5 past every hour", "In Minute 5 jeder Stunde"),
        ("@hourly", "At minute 0 past every hour", "In Minute 0 jeder Stunde"),
        ("1-30/5 * * * *", "Every 5th minute from 1 through 30", "Jede 5. Minute von 1 bis 30"),
        ("7/20 8 * * *", "Every 20th minute from 7, between 08:00 and 08:59", "Jede 20. Minute ab 7, zwischen 08:00 und 08:59"),
        ("0,30 * * * *", "At minute 0 and 30 past every hour", "In Minute 0 und 30 jeder Stunde"),
        ("0 */2 * * *", "At minute 0 past every 2nd hour", "In Minute 0 jeder 2. Stunde"),
        ("30 8-18/2 * * *", "At minute 30 past every 2nd hour from 08:00 through 18:59", "In Minute 30 jeder 2. Stunde von 08:00 bis 18:59"),
        ("0 0-5/2,10 * * *", "At minute 0, every 2nd hour from 00:00 through 05:59 and between 10:00 and 10:59", "In Minute 0, jeder 2. Stunde von 00:00 bis 05:59 und zwischen 10:00 und 10:59"),
        ("*/10 * * * 6,0", "Every 10 minutes on Saturday and Sunday", "Alle 10 Minuten am Samstag und Sonntag"),
        ("* 2 * * *", "Every minute, between 02:00 and 02:59", "Jede Minute, zwischen 02:00 und 02:59"),
        ("0,15,30,45 8 * * *", "At 08:00, 08:15, 08:30 and 08:45 every day", "Täglich um 08:00, 08:15, 08:30 und 08:45"),
        ("0 7 * * *", "At 07:00 every day", "Täglich um 07:00"),
        ("@daily", "At 00:00 every day", "Täglich um 00:00"),
        ("0 0 L * *", "At 00:00 on the last day of the month", "Um 00:00 am letzten Tag des Monats"),
        ("0 0 1,15,L * *", "At 00:00 on day 1, day 15 and the last day of the month", "Um 00:00 am 1. Tag, 15. Tag und letzten Tag des Monats"),
        ("0 9 * * 5L", "At 09:00 on the last Friday of the month", "Um 09:00 am letzten Freitag des Monats"),
        ("0 9 * * 1#1", "At 09:00 on the first Monday of the month", "Um 09:00 am ersten Montag des Monats"),
        ("0 9 * * 2#3", "At 09:00 on the third Tuesday of the month", "Um 09:00 am dritten Dienstag des Monats"),
        ("@yearly", "At 00:00 on day 1 of the month, in January", "Um 00:00 am 1. Tag des Monats, im Januar"),
        ("@weekly", "At 00:00 on Sunday", "Um 00:00 am Sonntag"),
        ("0 0 * * 7", "At 00:00 on Sunday", "Um 00:00 am Sonntag"),
        ("0 0 13 * 5", "At 00:00 on day 13 of the month or on Friday", "Um 00:00 am 13. Tag des Monats oder am Freitag"),
        ("0 0 */2 * 1", "At 00:00 on every 2nd day of the month, but only on Monday", "Um 00:00 an jedem 2. Tag des Monats, aber nur am Montag"),
        ("0 6 * jan-mar *", "At 06:00 every day, January through March", "Täglich um 06:00, von Januar bis März"),
        ("0 0 1 */3 *", "At 00:00 on day 1 of the month, in every 3rd month", "Um 00:00 am 1. Tag des Monats, in jedem 3. Monat"),
        ("0 7 * * friL,1#2", "At 07:00 on the last Friday of the month and the second Monday of the month", "Um 07:00 am letzten Freitag des Monats und zweiten Montag des Monats"),
        ("0 0 * * 1-5/2", "At 00:00 on every 2nd day of the week from Monday through Friday", "Um 00:00 an jedem 2. Wochentag von Montag bis Freitag"),
        ("0 0 * * 5-7", "At 00:00 on Friday through Sunday", "Um 00:00 von Freitag bis Sonntag"),
        ("0 12 1-7 * *", "At 12:00 on days 1 through 7 of the month", "Um 12:00 am 1. bis 7. Tag des Monats"),
    ]

    @Test(arguments: cases)
    func describes(_ expr: String, _ english: String, _ german: String) throws {
        let e = try CronExpression(expr)
        #expect(e.describe(locale: .en) == english)
        #expect(e.describe(locale: .de) == german)
        #expect(e.describe() == english)
    }
}
