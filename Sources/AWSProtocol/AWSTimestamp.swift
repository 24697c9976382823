#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// AWS timestamps: ISO-8601 in responses ("2019-10-28T20:37:09Z") and the SigV4 basic format ("20240102T030405Z").
public enum AWSTimestamp {
    /// "YYYY-MM-DDTHH:MM:SS[.f…]Z" in UTC; `fractionalDigits` (0…9) adds a rounded fraction, e.g. 3 → ".359".
    public static func format(_ date: Date, fractionalDigits: Int = 0) -> String {
        let digits = max(0, min(9, fractionalDigits))
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let interval = date.timeIntervalSince1970
        let scaled = (interval * Double(scale)).rounded()
        let total = scaled.isFinite ? Int64(max(-1e17, min(1e17, scaled))) : 0
        var seconds = total / scale
        var fraction = total % scale
        if fraction < 0 {
            seconds -= 1
            fraction += scale
        }
        let time = UTCDateTime(epochSeconds: seconds)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(30)
        Digits.append(time.year, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Digits.append(time.month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Digits.append(time.day, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Digits.append(time.hour, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Digits.append(time.minute, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Digits.append(time.second, width: 2, to: &bytes)
        if digits > 0 {
            bytes.append(UInt8(ascii: "."))
            Digits.append(Int(fraction), width: digits, to: &bytes)
        }
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses "YYYY-MM-DDTHH:MM:SS" with an optional 1–9 digit fraction and a zone of "Z" or "±HH:MM"
    /// (so AWS's seconds, milliseconds, moto's microseconds and botocore's "+00:00" all parse). Nil otherwise.
    public static func parse(_ string: String) -> Date? {
        let bytes = Array(string.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = Digits.read(bytes, at: 0, count: 4), let month = Digits.read(bytes, at: 5, count: 2),
            let day = Digits.read(bytes, at: 8, count: 2), let hour = Digits.read(bytes, at: 11, count: 2),
            let minute = Digits.read(bytes, at: 14, count: 2), let second = Digits.read(bytes, at: 17, count: 2),
            let time = UTCDateTime(validating: year, month, day, hour, minute, second)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var numerator = 0
            var denominator = 1
            while index < bytes.count, denominator <= 1_000_000_000, let digit = Digits.read(bytes, at: index, count: 1)
            {
                numerator = numerator * 10 + digit
                denominator *= 10
                index += 1
            }
            guard (10...1_000_000_000).contains(denominator) else { return nil }
            fraction = Double(numerator) / Double(denominator)
        }
        guard let offset = zoneOffsetSeconds(bytes[index...]) else { return nil }
        return Date(timeIntervalSince1970: Double(time.epochSeconds - Int64(offset)) + fraction)
    }

    /// The SigV4 basic format "YYYYMMDDTHHMMSSZ" (X-Amz-Date), in UTC, of the whole seconds of `date`.
    public static func formatAmzDate(_ date: Date) -> String {
        String(decoding: amzDateBytes(UTCDateTime(date)), as: UTF8.self)
    }

    /// Parses the SigV4 basic format "YYYYMMDDTHHMMSSZ"; nil for anything else.
    public static func parseAmzDate(_ string: String) -> Date? {
        let bytes = Array(string.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
            let year = Digits.read(bytes, at: 0, count: 4), let month = Digits.read(bytes, at: 4, count: 2),
            let day = Digits.read(bytes, at: 6, count: 2), let hour = Digits.read(bytes, at: 9, count: 2),
            let minute = Digits.read(bytes, at: 11, count: 2), let second = Digits.read(bytes, at: 13, count: 2),
            let time = UTCDateTime(validating: year, month, day, hour, minute, second)
        else { return nil }
        return time.date
    }

    /// Parses an HTTP `Date` header in IMF-fixdate form ("Tue, 02 Jan 2024 03:04:05 GMT"); nil otherwise.
    public static func parseHTTPDate(_ string: String) -> Date? {
        let bytes = Array(string.utf8)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), bytes[4] == 0x20, bytes[7] == 0x20, bytes[11] == 0x20,
            bytes[16] == 0x20, bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"),
            bytes[25...] == Array(" GMT".utf8)[...],
            let monthIndex = months.firstIndex(where: { Array($0.utf8)[...] == bytes[8..<11] }),
            let day = Digits.read(bytes, at: 5, count: 2), let year = Digits.read(bytes, at: 12, count: 4),
            let hour = Digits.read(bytes, at: 17, count: 2), let minute = Digits.read(bytes, at: 20, count: 2),
            let second = Digits.read(bytes, at: 23, count: 2),
            let time = UTCDateTime(validating: year, monthIndex + 1, day, hour, minute, second)
        else { return nil }
        return time.date
    }

    static func amzDateBytes(_ time: UTCDateTime) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        Digits.append(time.year, width: 4, to: &bytes)
        Digits.append(time.month, width: 2, to: &bytes)
        Digits.append(time.day, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Digits.append(time.hour, width: 2, to: &bytes)
        Digits.append(time.minute, width: 2, to: &bytes)
        Digits.append(time.second, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return bytes
    }

    /// "Z" → 0, "+HH:MM"/"-HH:MM" → signed seconds east of UTC; nil for anything else.
    private static func zoneOffsetSeconds(_ zone: ArraySlice<UInt8>) -> Int? {
        if zone.count == 1, zone.first == UInt8(ascii: "Z") { return 0 }
        let start = zone.startIndex
        guard zone.count == 6, zone[start + 3] == UInt8(ascii: ":"),
            zone[start] == UInt8(ascii: "+") || zone[start] == UInt8(ascii: "-"),
            let hours = Digits.read(zone, at: start + 1, count: 2),
            let minutes = Digits.read(zone, at: start + 4, count: 2),
            hours <= 23, minutes <= 59
        else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return zone[start] == UInt8(ascii: "-") ? -seconds : seconds
    }
}
