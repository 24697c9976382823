import AWSProtocol
import Foundation
import Testing

/// Response shapes, byte-exact against the reference's wire captures (§7.3, minus moto's duplicate `<message>`).
@Suite struct QueryResponseTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func listMFADevicesSuccess() throws {
        let enableDate = try #require(AWSTimestamp.parse("2026-11-22T07:21:03.984854Z"))
        let body = QueryResponse.success(
            action: "ListMFADevices", namespace: QueryResponse.iamNamespace,
            result: [
                .list(
                    "MFADevices",
                    members: [
                        [
                            XMLElement("UserName", "carol"),
                            XMLElement("SerialNumber", "arn:aws:iam::123456789012:mfa/carol-phone"),
                            XMLElement("EnableDate", AWSTimestamp.format(enableDate, fractionalDigits: 6)),
                        ]
                    ]), XMLElement("IsTruncated", "false"),
            ], requestId: "rzoVirt8w4Dm1sbHyufBe3ZHxuH7yUd9aoi7pqZViy3GZOeocnTi")
        #expect(
            text(body)
                == #"<ListMFADevicesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListMFADevicesResult><MFADevices><member><UserName>carol</UserName><SerialNumber>arn:aws:iam::123456789012:mfa/carol-phone</SerialNumber><EnableDate>2026-11-22T07:21:03.984854Z</EnableDate></member></MFADevices><IsTruncated>false</IsTruncated></ListMFADevicesResult><ResponseMetadata><RequestId>rzoVirt8w4Dm1sbHyufBe3ZHxuH7yUd9aoi7pqZViy3GZOeocnTi</RequestId></ResponseMetadata></ListMFADevicesResponse>"#
        )
    }

    @Test func getSessionTokenSuccess() {
        let body = QueryResponse.success(
            action: "GetSessionToken", namespace: QueryResponse.stsNamespace,
            result: [
                XMLElement(
                    "Credentials",
                    children: [
                        XMLElement("AccessKeyId", "AKIAIOSFODNN7EXAMPLE"),
                        XMLElement("SecretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"),
                        XMLElement(
                            "SessionToken",
                            "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE"
                        ),
                        XMLElement("Expiration", "2026-11-22T07:36:04.048032Z"),
                    ])
            ], requestId: "T6sOXV1bVuKt2OEyasVvcy2q8IZ8TPSL1R6FcmV7qpkgmtG33L8m")
        #expect(
            text(body)
                == #"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult><Credentials><AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey><SessionToken>AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE</SessionToken><Expiration>2026-11-22T07:36:04.048032Z</Expiration></Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>T6sOXV1bVuKt2OEyasVvcy2q8IZ8TPSL1R6FcmV7qpkgmtG33L8m</RequestId></ResponseMetadata></GetSessionTokenResponse>"#
        )
    }

    @Test func operationWithoutOutputHasNoResultElement() {
        let body = QueryResponse.success(
            action: "DeactivateMFADevice", namespace: QueryResponse.iamNamespace, result: nil,
            requestId: "3jnN9RmCXt5KXVQIQtK2dQpA6mJTebzWl8kMrlGm8u9CU6qx2gbd")
        #expect(
            text(body)
                == #"<DeactivateMFADeviceResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>3jnN9RmCXt5KXVQIQtK2dQpA6mJTebzWl8kMrlGm8u9CU6qx2gbd</RequestId></ResponseMetadata></DeactivateMFADeviceResponse>"#
        )
    }

    @Test func emptyListIsSelfClosing() {
        let body = QueryResponse.success(
            action: "ListMFADevices", namespace: QueryResponse.iamNamespace,
            result: [.list("MFADevices", members: []), XMLElement("IsTruncated", "false")], requestId: "r")
        #expect(
            text(body).contains(
                "<ListMFADevicesResult><MFADevices/><IsTruncated>false</IsTruncated></ListMFADevicesResult>"))
    }

    @Test func errorResponseShape() {
        let body = QueryResponse.error(
            .noSuchEntity("The user with name nobody cannot be found."), namespace: QueryResponse.iamNamespace,
            requestId: "wDJ1TlThKgvFCYummtuOGtHoUPEXBaSVgxZVRuo82vgB7UfNIAli")
        #expect(
            text(body)
                == #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name nobody cannot be found.</Message></Error><RequestId>wDJ1TlThKgvFCYummtuOGtHoUPEXBaSVgxZVRuo82vgB7UfNIAli</RequestId></ErrorResponse>"#
        )
        let failure = QueryResponse.error(.serviceFailure(), namespace: QueryResponse.stsNamespace, requestId: "r")
        #expect(text(failure).contains("<Error><Type>Receiver</Type><Code>ServiceFailure</Code>"))
    }

    @Test func errorResponseReadsBackIntoAnAWSError() throws {
        let original = AWSError.accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. ")
        let body = QueryResponse.error(original, namespace: QueryResponse.stsNamespace, requestId: "r")
        let element = try XMLReader.parse(body)
        #expect(AWSError(errorResponse: element, httpStatus: 403) == original)
        #expect(element.find("RequestId")?.text == "r")
    }

    @Test func readsAWSPrettyPrintedResponses() throws {
        let success = """
            <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <GetCallerIdentityResult>
                <Arn>arn:aws:sts::123456789012:assumed-role/elpy-admin/botocore-session-1590482957</Arn>
                <UserId>AROAUBLYXXXXXXACIWXS2:botocore-session-1590482957</UserId>
                <Account>123456789012</Account>
              </GetCallerIdentityResult>
              <ResponseMetadata>
                <RequestId>26374e3f-9b12-4526-8649-d19eaf366e02</RequestId>
              </ResponseMetadata>
            </GetCallerIdentityResponse>
            """
        let element = try XMLReader.parse(Array(success.utf8))
        #expect(element.name == "GetCallerIdentityResponse")
        #expect(element.attribute("xmlns") == QueryResponse.stsNamespace)
        #expect(element.text == nil)
        #expect(element.find("GetCallerIdentityResult", "Account")?.text == "123456789012")
        #expect(element.find("ResponseMetadata", "RequestId")?.text == "26374e3f-9b12-4526-8649-d19eaf366e02")
        #expect(AWSError(errorResponse: element, httpStatus: 200) == nil)

        let failure = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error>
                <Type>Sender</Type>
                <Code>AccessDenied</Code>
                <Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message>
              </Error>
              <RequestId>4bf1b1e2-0000</RequestId>
            </ErrorResponse>
            """
        let error = try #require(AWSError(errorResponse: XMLReader.parse(Array(failure.utf8)), httpStatus: 403))
        #expect(error == .accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. "))
        let ec2Style =
            "<Response><Errors><Error><Code>RequestExpired</Code><Message>Request has expired.</Message></Error></Errors><RequestID>x</RequestID></Response>"
        #expect(
            AWSError(errorResponse: try XMLReader.parse(Array(ec2Style.utf8)), httpStatus: 400) == .requestExpired())
    }
}

@Suite struct XMLWriterTests {
    @Test func escapesMarkupCharacters() throws {
        let element = XMLElement("Message", #"a & b < c > d " e ' f"#, attributes: [XMLAttribute("k", #"<"&'>"#)])
        let text = String(decoding: element.xmlBytes, as: UTF8.self)
        #expect(text == #"<Message k="&lt;&quot;&amp;&apos;&gt;">a &amp; b &lt; c &gt; d &quot; e &apos; f</Message>"#)
        #expect(try XMLReader.parse(element.xmlBytes) == element)
    }

    @Test func replacesCharactersXMLCannotCarryAndKeepsWhitespace() throws {
        let element = XMLElement(
            "T", "a\u{1}b\u{0}c\u{FFFE}d\te\nf\rg\r\nh", attributes: [XMLAttribute("a", "x\ty\nz\rw")])
        let text = String(decoding: element.xmlBytes, as: UTF8.self)
        #expect(text == "<T a=\"x&#x9;y&#xA;z&#xD;w\">a\u{FFFD}b\u{FFFD}c\u{FFFD}d\te\nf&#xD;g&#xD;\nh</T>")
        let back = try XMLReader.parse(element.xmlBytes)
        #expect(back.text == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\te\nf\rg\r\nh")
        #expect(back.attribute("a") == "x\ty\nz\rw")
    }

    @Test func roundTripsANestedTree() throws {
        let tree = XMLElement(
            "Root", attributes: [XMLAttribute("xmlns", "urn:x")],
            children: [
                XMLElement("Empty"), XMLElement("Unicode", "é€😀 名前"),
                .list("Items", members: [[XMLElement("K", "1")], [XMLElement("K", "2")]]),
            ])
        let back = try XMLReader.parse(tree.xmlBytes)
        #expect(back == tree)
        #expect(
            back.first(named: "Items")?.all(named: "member").compactMap { $0.first(named: "K")?.text } == ["1", "2"])
        #expect(back.find("Items", "member", "K")?.text == "1")
        #expect(back.find("Items", "nothing") == nil)
    }
}

@Suite struct XMLReaderTests {
    private func parse(_ text: String, maxBytes: Int = 1 << 20) throws(XMLReadError) -> XMLElement {
        try XMLReader.parse(Array(text.utf8), maxBytes: maxBytes)
    }

    private func failure(_ text: String, maxBytes: Int = 1 << 20) -> XMLReadError? {
        do {
            _ = try parse(text, maxBytes: maxBytes)
            return nil
        } catch { return error }
    }

    @Test func readsEntitiesReferencesCDATACommentsAndInstructions() throws {
        let element = try parse(
            "\u{FEFF}<?xml version='1.0'?><!-- c --><?pi data?><a x='1' y=\"&lt;2&#x41;&#66;\">&amp;&lt;&gt;&quot;&apos;&#233;&#x1F600;<![CDATA[<raw> & ]]><!-- in --><?p?>z</a>\n<!-- after -->\n"
        )
        #expect(element.text == "&<>\"'é😀<raw> & z")
        #expect(element.attributes == [XMLAttribute("x", "1"), XMLAttribute("y", "<2AB")])
    }

    @Test func normalizesLineEndsAndKeepsLeafWhitespace() throws {
        #expect(try parse("<a>x\r\ny\rz</a>").text == "x\ny\nz")
        #expect(try parse("<a>  </a>").text == "  ")
        #expect(try parse("<a></a>").text == nil)
        #expect(try parse("<a/>") == XMLElement("a"))
        #expect(try parse("<a> <b/> </a>").text == nil)
    }

    @Test func rejectsDTDs() {
        #expect(
            failure("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>")
                == XMLReadError(offset: 21, reason: "DTDs (<!DOCTYPE …>) are not allowed"))
        #expect(failure("<a><!DOCTYPE a></a>")?.reason == "unexpected markup declaration inside <a>")
        #expect(
            failure("<a>&x;</a>")
                == XMLReadError(
                    offset: 3, reason: "undefined entity '&x;' (only the five predefined entities are allowed)"))
    }

    @Test func rejectsTruncatedDocuments() {
        let document = "<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>"
        for length in 0..<document.utf8.count {
            #expect(failure(String(document.prefix(length))) != nil, "prefix of \(length) bytes")
        }
        #expect(failure("<a>text")?.reason == "unexpected end of input inside <a> (opened at byte 0)")
        #expect(failure("")?.reason == "the document has no root element")
        #expect(failure("<a x=\"1></a>")?.reason == "'<' is not allowed in an attribute value")
    }

    @Test func rejectsMismatchedTags() {
        #expect(
            failure("<a><b></a></b>")
                == XMLReadError(offset: 6, reason: "mismatched closing tag </a>: expected </b> (opened at byte 3)"))
        #expect(failure("<a></a><b/>")?.reason == "only comments and whitespace may follow the root element")
        #expect(failure("text<a/>")?.reason == "text is not allowed before the root element")
    }

    @Test func rejectsNestingDeeperThan64() throws {
        let ok = String(repeating: "<a>", count: 64) + String(repeating: "</a>", count: 64)
        _ = try parse(ok)
        let deep = String(repeating: "<a>", count: 65) + String(repeating: "</a>", count: 65)
        #expect(failure(deep) == XMLReadError(offset: 192, reason: "elements are nested deeper than 64 levels"))
        #expect(failure(String(repeating: "<a>", count: 100_000)) != nil)
    }

    @Test func rejectsOversizedInput() {
        #expect(
            failure("<a>0123456789</a>", maxBytes: 16)
                == XMLReadError(offset: 0, reason: "the document is 17 bytes long, more than the limit of 16"))
        #expect(failure("<a>0123456789</a>", maxBytes: 17) == nil)
    }

    @Test func rejectsInvalidCharactersAndMalformedMarkup() throws {
        #expect(
            throws: XMLReadError(offset: 3, reason: "invalid UTF-8 byte 0xFF")
        ) { try XMLReader.parse([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E]) }
        #expect(
            throws: XMLReadError(offset: 3, reason: "invalid UTF-8 byte 0xC0")
        ) { try XMLReader.parse([0x3C, 0x61, 0x3E, 0xC0, 0x80, 0x3C, 0x2F, 0x61, 0x3E]) }
        #expect(
            throws: XMLReadError(offset: 3, reason: "invalid UTF-8 sequence")
        ) { try XMLReader.parse([0x3C, 0x61, 0x3E, 0xE0, 0x80, 0x80, 0x3C, 0x2F, 0x61, 0x3E]) }
        #expect(
            throws: XMLReadError(offset: 3, reason: "truncated UTF-8 sequence")
        ) { try XMLReader.parse([0x3C, 0x61, 0x3E, 0xE2, 0x82]) }
        #expect(
            failure("<a>\u{1}</a>") == XMLReadError(offset: 3, reason: "control character 0x1 is not allowed in XML"))
        #expect(failure("<a>\u{FFFF}</a>")?.reason == "character U+FFFF is not allowed in XML")
        #expect(failure("<a>&#0;</a>")?.reason == "'&#0;' is not a valid character reference")
        #expect(failure("<a>&#xD800;</a>")?.reason == "'&#xD800;' is not a valid character reference")
        #expect(failure("<a>&amp</a>")?.reason == "unterminated or overlong entity reference")
        #expect(failure("<a>]]></a>")?.reason == "']]>' is not allowed in character data")
        #expect(failure("<a x='1' x='2'/>")?.reason == "duplicate attribute 'x' in <a>")
        #expect(failure("<a x='1'y='2'/>")?.reason == "expected whitespace, '>' or '/>' in the start tag <a>")
        #expect(failure("<a><!-- a -- b --></a>")?.reason == "'--' is not allowed inside a comment")
        #expect(failure("<a><![CDATA[x</a>")?.reason == "unterminated CDATA section")
        #expect(
            failure("<a><?xml version='1.0'?></a>")?.reason == "the XML declaration is only allowed at the very start")
        #expect(
            failure("<?xml version='1.0' encoding='ISO-8859-1'?><a/>")?.reason
                == "unsupported encoding 'ISO-8859-1' (only UTF-8 is read)")
        #expect(failure("<?xml encoding='UTF-8'?><a/>")?.reason == "unexpected 'encoding' in the XML declaration")
        #expect(failure("<1a/>")?.reason == "expected a name")
        #expect(
            failure("<a>&lt;").map { $0.description }
                == "Invalid XML at byte 7: unexpected end of input inside <a> (opened at byte 0)")
    }
}
