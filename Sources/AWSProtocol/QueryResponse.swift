/// Query-protocol XML response bodies, in AWS's shapes.
public enum QueryResponse {
    public static let iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
    public static let stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

    /// `<{Action}Response xmlns=…><{Action}Result>…</{Action}Result><ResponseMetadata><RequestId>…</RequestId>
    /// </ResponseMetadata></{Action}Response>`; `result == nil` leaves out the `Result` element (EnableMFADevice etc.).
    public static func success(action: String, namespace: String, result: [XMLElement]?, requestId: String) -> [UInt8] {
        var children: [XMLElement] = []
        if let result { children.append(XMLElement(action + "Result", children: result)) }
        children.append(XMLElement("ResponseMetadata", children: [XMLElement("RequestId", requestId)]))
        return XMLElement(action + "Response", attributes: [XMLAttribute("xmlns", namespace)], children: children)
            .xmlBytes
    }

    /// `<ErrorResponse xmlns=…><Error><Type>Sender|Receiver</Type><Code>…</Code><Message>…</Message></Error>
    /// <RequestId>…</RequestId></ErrorResponse>` (RequestId is a sibling of Error, as AWS sends it).
    public static func error(_ error: AWSError, namespace: String, requestId: String) -> [UInt8] {
        XMLElement(
            "ErrorResponse", attributes: [XMLAttribute("xmlns", namespace)],
            children: [
                XMLElement(
                    "Error",
                    children: [
                        XMLElement("Type", error.type), XMLElement("Code", error.code),
                        XMLElement("Message", error.message),
                    ]
                ),
                XMLElement("RequestId", requestId),
            ]
        ).xmlBytes
    }
}

extension AWSError {
    /// Reads a parsed error body back into an error (client side): `ErrorResponse/Error` (or an `Errors/Error`
    /// wrapper) with a `Code`; the message defaults to "". Nil if the element is not an error response.
    public init?(errorResponse: XMLElement, httpStatus: Int) {
        let error =
            errorResponse.find("Error") ?? errorResponse.find("Errors", "Error")
            ?? (errorResponse.name == "Error" ? errorResponse : nil)
        guard let error, let code = error.first(named: "Code")?.text, !code.isEmpty else { return nil }
        self.init(code: code, message: error.first(named: "Message")?.text ?? "", httpStatus: httpStatus)
    }
}
