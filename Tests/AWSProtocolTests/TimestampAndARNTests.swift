import AWSProtocol
import Foundation
import Testing

@Suite struct AWSTimestampTests {
    @Test func formatsSecondsMillisecondsAndMicroseconds() {
        #expect(AWSTimestamp.format(Date(timeIntervalSince1970: 1_572_295_029)) == "2019-10-28T20:37:09Z")
        #expect(
            AWSTimestamp.format(Date(timeIntervalSince1970: 1_310_772_513.359), fractionalDigits: 3)
                == "2011-07-15T23:28:33.359Z")
        #expect(
            AWSTimestamp.format(Date(timeIntervalSince1970: 1_795_332_063.984854), fractionalDigits: 6)
                == "2026-11-22T07:21:03.984854Z")
        #expect(AWSTimestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(AWSTimestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test func roundsFractionsWithCarry() {
        #expect(
            AWSTimestamp.format(Date(timeIntervalSince1970: 1_572_295_029.9999996), fractionalDigits: 6)
                == "2019-10-28T20:37:10.000000Z")
        #expect(AWSTimestamp.format(Date(timeIntervalSince1970: 1_572_295_029.9)) == "2019-10-28T20:37:10Z")
    }

    @Test func parsesAWSBotocoreAndMotoForms() throws {
        let seconds = Date(timeIntervalSince1970: 1_572_295_029)
        #expect(AWSTimestamp.parse("2019-10-28T20:37:09Z") == seconds)
        #expect(AWSTimestamp.parse("2019-10-28T20:37:09+00:00") == seconds)
        #expect(AWSTimestamp.parse("2019-10-28T21:37:09+01:00") == seconds)
        #expect(AWSTimestamp.parse("2019-10-28T19:07:09-01:30") == seconds)
        let millis = try #require(AWSTimestamp.parse("2011-07-15T23:28:33.359Z"))
        #expect(abs(millis.timeIntervalSince1970 - 1_310_772_513.359) < 1e-6)
        let micros = try #require(AWSTimestamp.parse("2026-11-22T07:21:03.984854Z"))
        #expect(AWSTimestamp.format(micros, fractionalDigits: 6) == "2026-11-22T07:21:03.984854Z")
        #expect(AWSTimestamp.parse("2020-02-29T00:00:00.1Z") != nil)
        #expect(AWSTimestamp.parse("2020-02-29T00:00:00.123456789Z") != nil)
    }

    @Test func rejectsMalformedTimestamps() {
        for bad in [
            "", "2019-10-28", "2019-10-28 20:37:09Z", "2019-10-28T20:37:09", "2019-10-28T20:37:09.Z",
            "2019-10-28T20:37:09.1234567890Z", "2019-13-01T00:00:00Z", "2019-02-29T00:00:00Z", "2019-10-28T24:00:00Z",
            "2019-10-28T20:60:00Z", "2019-10-28T20:37:60Z", "2019-10-28T20:37:09+0000", "2019-10-28T20:37:09+24:00",
            "2019-10-28T20:37:09z", "2019-10-28T20:37:09ZZ", "２019-10-28T20:37:09Z",
        ] {
            #expect(AWSTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func amzDateAndHTTPDate() {
        #expect(AWSTimestamp.formatAmzDate(Vectors.frozen) == "20240102T030405Z")
        #expect(AWSTimestamp.formatAmzDate(Vectors.frozen.addingTimeInterval(0.999)) == "20240102T030405Z")
        #expect(AWSTimestamp.parseAmzDate("20240102T030405Z") == Vectors.frozen)
        #expect(AWSTimestamp.parseAmzDate("20240230T030405Z") == nil)
        #expect(AWSTimestamp.parseAmzDate("20240102T030405") == nil)
        #expect(AWSTimestamp.parseHTTPDate("Tue, 02 Jan 2024 03:04:05 GMT") == Vectors.frozen)
        #expect(AWSTimestamp.parseHTTPDate("Tue, 02 Foo 2024 03:04:05 GMT") == nil)
        #expect(AWSTimestamp.parseHTTPDate("Tue, 02 Jan 2024 03:04:05 UTC") == nil)
    }

    @Test func agreesWithFoundationAcrossCenturies() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        for seconds in stride(from: -2_208_988_800, through: 7_258_118_400, by: 86_399 * 37 + 7) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(AWSTimestamp.format(date) == formatter.string(from: date))
            #expect(AWSTimestamp.parse(formatter.string(from: date)) == date)
        }
    }
}

@Suite struct ARNTests {
    @Test func parsesIAMAndSTSArns() throws {
        let device = try #require(ARN(parsing: "arn:aws:iam::123456789012:mfa/team/alice-phone"))
        #expect(device == ARN(service: "iam", account: "123456789012", resource: "mfa/team/alice-phone"))
        #expect(device.partition == "aws")
        #expect(device.region == "")
        #expect(device.description == "arn:aws:iam::123456789012:mfa/team/alice-phone")
        let role = try #require(ARN(parsing: "arn:aws-cn:sts::123456789012:assumed-role/admin/carol"))
        #expect(role.partition == "aws-cn")
        #expect(role.resource == "assumed-role/admin/carol")
        let withColons = try #require(ARN(parsing: "arn:aws:logs:us-east-1:123456789012:log-group:my:group"))
        #expect(withColons.region == "us-east-1")
        #expect(withColons.resource == "log-group:my:group")
        #expect(Set([device, device, role]).count == 2)
    }

    @Test func rejectsMalformedArns() {
        for bad in [
            "", "arn:aws:iam::123456789012", "aws:iam::123456789012:user/a", "arn::iam::1:user/a", "arn:aws:::1:user/a",
            "arn:aws:iam::1:", "ARN:aws:iam::1:user/a", "arn:aws:iam::1:" + String(repeating: "x", count: 2048),
        ] {
            #expect(ARN(parsing: bad) == nil, "\(bad)")
        }
    }
}

@Suite struct AWSErrorTests {
    @Test func commonErrors() {
        #expect(AWSError.invalidClientTokenId.message == "The security token included in the request is invalid.")
        #expect(AWSError.invalidClientTokenId.httpStatus == 403)
        #expect(AWSError.expiredToken.code == "ExpiredToken")
        #expect(AWSError.expiredToken.message == "The security token included in the request is expired")
        #expect(
            AWSError.invalidAction("Frobnicate", version: "2010-05-08").message
                == "Could not find operation Frobnicate for version 2010-05-08")
        #expect(
            AWSError.invalidAction("Frobnicate").message == "The action Frobnicate is not valid for this web service.")
        #expect(AWSError.missingAction == AWSError(code: "MissingAction", message: "Missing Action", httpStatus: 400))
        #expect(
            AWSError.invalidAuthenticationCode()
                == AWSError(
                    code: "InvalidAuthenticationCode", message: "Authentication code for device is not valid.",
                    httpStatus: 403))
        #expect(AWSError.requestExpired().httpStatus == 400)
    }

    @Test func serviceErrorsAndTypes() {
        let cases: [(AWSError, String, Int)] = [
            (.accessDenied("x"), "AccessDenied", 403), (.noSuchEntity("x"), "NoSuchEntity", 404),
            (.entityAlreadyExists("x"), "EntityAlreadyExists", 409), (.deleteConflict("x"), "DeleteConflict", 409),
            (.limitExceeded("x"), "LimitExceeded", 409), (.invalidInput("x"), "InvalidInput", 400),
            (.malformedPolicyDocument("x"), "MalformedPolicyDocument", 400), (.validation("x"), "ValidationError", 400),
            (.serviceFailure(), "ServiceFailure", 500),
        ]
        for (error, code, status) in cases {
            #expect(error.code == code)
            #expect(error.httpStatus == status)
            #expect(error.type == (status >= 500 ? "Receiver" : "Sender"))
        }
        #expect(AWSError.noSuchEntity("gone").description == "NoSuchEntity (HTTP 404): gone")
    }
}
