/// An AWS Query-protocol error: the `Code`, `Message` and HTTP status of an `ErrorResponse`.
///
/// `type` is `Sender` for 4xx and `Receiver` for 5xx, as in AWS's error envelope.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var httpStatus: Int

    public init(code: String, message: String, httpStatus: Int) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    /// `Receiver` for server-side (5xx) errors, `Sender` otherwise.
    public var type: String { httpStatus >= 500 ? "Receiver" : "Sender" }

    public var description: String { "\(code) (HTTP \(httpStatus)): \(message)" }
}

// MARK: - Request and authentication errors (AWS common errors)

extension AWSError {
    /// 400 `ValidationError` with the full message (see `ParameterValidator` for AWS's constraint wording).
    public static func validation(_ message: String) -> AWSError {
        AWSError(code: "ValidationError", message: message, httpStatus: 400)
    }

    /// `MalformedQueryString`: the query string or form body has a syntax error. AWS documents HTTP 404 for it.
    public static func malformedQueryString(_ message: String) -> AWSError {
        AWSError(code: "MalformedQueryString", message: message, httpStatus: 404)
    }

    /// 400 `InvalidAction`. With the API version: "Could not find operation X for version V" (IAM/STS wording);
    /// without: "The action X is not valid for this web service."
    public static func invalidAction(_ action: String, version: String? = nil) -> AWSError {
        let message =
            if let version { "Could not find operation \(action) for version \(version)" } else {
                "The action \(action) is not valid for this web service."
            }
        return AWSError(code: "InvalidAction", message: message, httpStatus: 400)
    }

    /// 400 `MissingAction`: the request has no `Action` parameter.
    public static let missingAction = AWSError(code: "MissingAction", message: "Missing Action", httpStatus: 400)

    /// 403 `MissingAuthenticationToken`: the request carries no SigV4 signature at all.
    public static let missingAuthenticationToken = AWSError(
        code: "MissingAuthenticationToken", message: "Request is missing Authentication Token", httpStatus: 403)

    /// 403 `InvalidClientTokenId`: unknown access key ID or session token.
    public static let invalidClientTokenId = AWSError(
        code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", httpStatus: 403
    )

    /// AWS's text for a signature that does not verify.
    public static let signatureMismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

    /// 403 `SignatureDoesNotMatch`; also used by AWS for clock-skew and credential-scope failures.
    public static func signatureDoesNotMatch(_ message: String = signatureMismatchMessage) -> AWSError {
        AWSError(code: "SignatureDoesNotMatch", message: message, httpStatus: 403)
    }

    /// 400 `RequestExpired`: a presigned request used after `X-Amz-Date + X-Amz-Expires`.
    public static func requestExpired(_ message: String = "Request has expired.") -> AWSError {
        AWSError(code: "RequestExpired", message: message, httpStatus: 400)
    }

    /// 403 `ExpiredToken`: the session token's credentials have expired (status as observed from STS).
    public static let expiredToken = AWSError(
        code: "ExpiredToken", message: "The security token included in the request is expired", httpStatus: 403)

    /// 400 `IncompleteSignature`: the signature parts are malformed or missing.
    public static func incompleteSignature(_ message: String) -> AWSError {
        AWSError(code: "IncompleteSignature", message: message, httpStatus: 400)
    }
}

// MARK: - IAM / STS operation errors (service models)

extension AWSError {
    /// 403 `AccessDenied` (unmodeled, used by IAM and STS).
    public static func accessDenied(_ message: String) -> AWSError {
        AWSError(code: "AccessDenied", message: message, httpStatus: 403)
    }

    /// 404 `NoSuchEntity`.
    public static func noSuchEntity(_ message: String) -> AWSError {
        AWSError(code: "NoSuchEntity", message: message, httpStatus: 404)
    }

    /// 409 `EntityAlreadyExists`.
    public static func entityAlreadyExists(_ message: String) -> AWSError {
        AWSError(code: "EntityAlreadyExists", message: message, httpStatus: 409)
    }

    /// 409 `DeleteConflict`.
    public static func deleteConflict(_ message: String) -> AWSError {
        AWSError(code: "DeleteConflict", message: message, httpStatus: 409)
    }

    /// 409 `LimitExceeded`.
    public static func limitExceeded(_ message: String) -> AWSError {
        AWSError(code: "LimitExceeded", message: message, httpStatus: 409)
    }

    /// 403 `InvalidAuthenticationCode`, by default with AWS's "Authentication code for device is not valid.".
    public static func invalidAuthenticationCode(
        _ message: String = "Authentication code for device is not valid."
    ) -> AWSError {
        AWSError(code: "InvalidAuthenticationCode", message: message, httpStatus: 403)
    }

    /// 400 `InvalidInput`.
    public static func invalidInput(_ message: String) -> AWSError {
        AWSError(code: "InvalidInput", message: message, httpStatus: 400)
    }

    /// 400 `MalformedPolicyDocument`.
    public static func malformedPolicyDocument(_ message: String) -> AWSError {
        AWSError(code: "MalformedPolicyDocument", message: message, httpStatus: 400)
    }

    /// 500 `ServiceFailure` (Type `Receiver`).
    public static func serviceFailure(
        _ message: String = "The request processing has failed because of an unknown error, exception or failure."
    ) -> AWSError {
        AWSError(code: "ServiceFailure", message: message, httpStatus: 500)
    }
}
