extension OTPAuthURI {
    /// Parses an otpauth URI of at most ``maximumLength`` bytes.
    ///
    /// - Scheme and type are case-insensitive; a `#fragment` is ignored.
    /// - Label `Issuer:account`: split at the first literal ':', else at the first `%3A`; each side percent-decoded;
    ///   spaces at the start of the account name trimmed; a label without issuer prefix is fine.
    /// - Parameters are percent-decoded with '+' as a space; unknown ones are ignored, a repeated known one is an error.
    ///   `algorithm` is case-insensitive; `digits` 6...10; `period` 1...3600 (totp); `counter` is required for hotp.
    ///   An empty `issuer` parameter counts as absent; one that differs from the label prefix is an error.
    /// - All decoded text must be UTF-8 without control characters.
    public init(parsing uri: String) throws(OTPAuthURIError) {
        var parser = try OTPAuthURIParser(uri)
        self = try parser.parse()
    }
}

/// One parse of an otpauth URI; offsets in errors are UTF-8 byte offsets into the URI.
private struct OTPAuthURIParser {
    private static let knownParameters: Set = ["secret", "issuer", "algorithm", "digits", "period", "counter"]

    private let bytes: [UInt8]
    private var parameters: [String: String] = [:]

    init(_ uri: String) throws(OTPAuthURIError) {
        bytes = Array(uri.utf8)
        guard bytes.count <= OTPAuthURI.maximumLength else { throw OTPAuthURIError(.tooLong(byteCount: bytes.count)) }
    }

    mutating func parse() throws(OTPAuthURIError) -> OTPAuthURI {
        let end = bytes.firstIndex(of: UInt8(ascii: "#")) ?? bytes.endIndex
        let typeStart = try schemeEnd(before: end)
        let typeEnd = bytes[typeStart..<end].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? end
        let type = String(decoding: bytes[typeStart..<typeEnd], as: UTF8.self)
        guard ["totp", "hotp"].contains(type.lowercased()) else { throw OTPAuthURIError(.unknownType(type)) }
        guard typeEnd < end, bytes[typeEnd] == UInt8(ascii: "/") else { throw OTPAuthURIError(.missingLabel) }
        let queryMark = bytes[typeEnd..<end].firstIndex(of: UInt8(ascii: "?")) ?? end
        let (labelIssuer, accountName) = try label(bytes[typeEnd + 1..<queryMark])
        if queryMark < end { try readParameters(bytes[queryMark + 1..<end]) }

        let issuer = try issuer(labelIssuer: labelIssuer)
        let secret = try secret()
        let algorithm = try algorithm()
        let digits = try number("digits", in: HOTP.allowedDigits, else: OTPAuthURIError.Reason.invalidDigits) ?? 6
        let kind: OTPAuthURI.Kind
        if type.lowercased() == "totp" {
            kind = .totp(
                period: try number("period", in: TOTP.allowedPeriods, else: OTPAuthURIError.Reason.invalidPeriod) ?? 30)
        } else {
            guard let counterText = parameters["counter"] else { throw OTPAuthURIError(.missingCounter) }
            guard let counter = decimal(counterText) else { throw OTPAuthURIError(.invalidCounter(counterText)) }
            kind = .hotp(counter: counter)
        }
        return OTPAuthURI(
            kind: kind, issuer: issuer, accountName: accountName, secret: secret, algorithm: algorithm, digits: digits)
    }

    /// Checks `otpauth://` and returns where the type starts.
    private func schemeEnd(before end: Int) throws(OTPAuthURIError) -> Int {
        let colon = bytes[..<end].firstIndex(of: UInt8(ascii: ":")) ?? end
        let scheme = String(decoding: bytes[..<colon], as: UTF8.self)
        guard scheme.lowercased() == "otpauth", bytes[colon..<end].starts(with: "://".utf8) else {
            throw OTPAuthURIError(.wrongScheme(scheme))
        }
        return colon + 3
    }

    /// Splits the raw label at the first ':' (else `%3A`) and decodes both sides.
    private func label(_ raw: ArraySlice<UInt8>) throws(OTPAuthURIError) -> (issuer: String?, accountName: String) {
        var accountStart = raw.startIndex
        var issuer: String?
        if let colon = raw.firstIndex(of: UInt8(ascii: ":")) {
            issuer = try decodeText(raw[..<colon], plusIsSpace: false)
            accountStart = colon + 1
        } else if let escapedColon = raw.indices.first(where: { isEscapedColon(at: $0, in: raw) }) {
            issuer = try decodeText(raw[..<escapedColon], plusIsSpace: false)
            accountStart = escapedColon + 3
        }
        let accountName = String(try decodeText(raw[accountStart...], plusIsSpace: false).drop { $0 == " " })
        guard !accountName.isEmpty else { throw OTPAuthURIError(.missingAccountName) }
        return (issuer?.isEmpty == false ? issuer : nil, accountName)
    }

    private func isEscapedColon(at index: Int, in raw: ArraySlice<UInt8>) -> Bool {
        index + 2 < raw.endIndex && raw[index] == UInt8(ascii: "%") && raw[index + 1] == UInt8(ascii: "3")
            && (raw[index + 2] | 0x20) == UInt8(ascii: "a")
    }

    /// Decodes `key=value` pairs separated by '&', keeping the known ones and rejecting repeats of them.
    private mutating func readParameters(_ query: ArraySlice<UInt8>) throws(OTPAuthURIError) {
        for pair in query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let key = try decodeText(pair[..<equals], plusIsSpace: true)
            let value = try decodeText(pair[min(equals + 1, pair.endIndex)...], plusIsSpace: true)
            guard Self.knownParameters.contains(key) else { continue }
            guard parameters.updateValue(value, forKey: key) == nil else {
                throw OTPAuthURIError(.duplicateParameter(key))
            }
        }
    }

    private func issuer(labelIssuer: String?) throws(OTPAuthURIError) -> String? {
        guard let parameter = parameters["issuer"], !parameter.isEmpty else { return labelIssuer }
        if let labelIssuer, labelIssuer != parameter {
            throw OTPAuthURIError(.issuerMismatch(label: labelIssuer, parameter: parameter))
        }
        return parameter
    }

    private func secret() throws(OTPAuthURIError) -> [UInt8] {
        guard let text = parameters["secret"], !text.isEmpty else { throw OTPAuthURIError(.missingSecret) }
        let secret: [UInt8]
        do {
            secret = try Base32.decode(text)
        } catch {
            throw OTPAuthURIError(.invalidSecret(error))
        }
        guard !secret.isEmpty else { throw OTPAuthURIError(.missingSecret) }
        guard secret.count <= HOTP.maximumSecretLength else {
            throw OTPAuthURIError(.secretTooLong(byteCount: secret.count))
        }
        return secret
    }

    private func algorithm() throws(OTPAuthURIError) -> OTPAlgorithm {
        guard let text = parameters["algorithm"] else { return .sha1 }
        guard let algorithm = OTPAlgorithm.allCases.first(where: { $0.rawValue == text.uppercased() }) else {
            throw OTPAuthURIError(.invalidAlgorithm(text))
        }
        return algorithm
    }

    /// The decimal parameter `name` when present; throws `invalid(text)` when it is not a number in `range`.
    private func number(
        _ name: String, in range: ClosedRange<Int>, else invalid: (String) -> OTPAuthURIError.Reason
    ) throws(OTPAuthURIError) -> Int? {
        guard let text = parameters[name] else { return nil }
        guard let value = decimal(text), value <= UInt64(range.upperBound), range.contains(Int(value)) else {
            throw OTPAuthURIError(invalid(text))
        }
        return Int(value)
    }

    /// A non-empty run of ASCII digits that fits in UInt64.
    private func decimal(_ text: String) -> UInt64? {
        guard !text.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (shifted, overflowMultiply) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdd) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflowMultiply, !overflowAdd else { return nil }
            value = sum
        }
        return value
    }

    /// Percent-decodes a part of the URI into UTF-8 text without control characters.
    private func decodeText(_ raw: ArraySlice<UInt8>, plusIsSpace: Bool) throws(OTPAuthURIError) -> String {
        let decoded: [UInt8]
        switch PercentEncoding.decode(raw, plusIsSpace: plusIsSpace) {
        case .success(let value): decoded = value
        case .failure(let escape): throw OTPAuthURIError(.malformedPercentEscape(offset: escape.index))
        }
        guard let text = String(validating: decoded, as: UTF8.self),
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw OTPAuthURIError(.invalidText(offset: raw.startIndex)) }
        return text
    }
}
