import AWSProtocol

/// Reads a Query-protocol answer: the `<Action>Result` element of a success, the `AWSError` of an `ErrorResponse`,
/// or why the answer is neither.
enum QueryResponseDecoder {
    enum Failure: Error, Equatable {
        /// AWS answered with an error (its message with secrets masked).
        case aws(AWSError)
        /// The answer is not what a Query-protocol service sends.
        case unexpected(status: Int, excerpt: String)
    }

    /// The `<Action>Result` element of a 2xx `<Action>Response`, or the response element itself when it has no
    /// result (actions without output, such as EnableMFADevice).
    static func result(
        action: String, status: Int, body: [UInt8], maxBytes: Int, redactor: SecretRedactor
    ) throws(Failure) -> XMLElement {
        func unexpected() -> Failure {
            .unexpected(status: status, excerpt: ResponseExcerpt.make(body, redactor: redactor))
        }
        guard let root = try? XMLReader.parse(body, maxBytes: maxBytes) else { throw unexpected() }
        let isSuccess = (200...299).contains(status)
        if !isSuccess || root.name == "ErrorResponse" {
            guard var error = AWSError(errorResponse: root, httpStatus: status) else { throw unexpected() }
            error.message = redactor.redact(error.message)
            error.code = redactor.redact(error.code)
            throw .aws(error)
        }
        guard root.name == action + "Response" else { throw unexpected() }
        return root.first(named: action + "Result") ?? root
    }
}
