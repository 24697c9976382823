import Testing

@testable import AWSClient

@Suite("Endpoint resolution")
struct EndpointTests {
    @Test("IAM is global per partition, whatever the region")
    func iamPartitions() {
        let aws = AWSEndpoint(url: "https://iam.amazonaws.com/", signingRegion: "us-east-1")
        for region in [nil, "", "us-east-1", "eu-west-1", "ap-southeast-2", "aws-global"] {
            #expect(AWSEndpoint.resolve(.iam, region: region, override: nil) == aws)
        }
        let china = AWSEndpoint(url: "https://iam.cn-north-1.amazonaws.com.cn/", signingRegion: "cn-north-1")
        #expect(AWSEndpoint.resolve(.iam, region: "cn-north-1", override: nil) == china)
        #expect(AWSEndpoint.resolve(.iam, region: "cn-northwest-1", override: nil) == china)
        let gov = AWSEndpoint(url: "https://iam.us-gov.amazonaws.com/", signingRegion: "us-gov-west-1")
        #expect(AWSEndpoint.resolve(.iam, region: "us-gov-west-1", override: nil) == gov)
        #expect(AWSEndpoint.resolve(.iam, region: "us-gov-east-1", override: nil) == gov)
    }

    @Test("STS is regional, us-east-1 without a region, .com.cn in China, legacy global for aws-global")
    func stsRegional() {
        #expect(
            AWSEndpoint.resolve(.sts, region: nil, override: nil)
                == AWSEndpoint(url: "https://sts.us-east-1.amazonaws.com/", signingRegion: "us-east-1"))
        #expect(
            AWSEndpoint.resolve(.sts, region: "", override: nil)
                == AWSEndpoint(url: "https://sts.us-east-1.amazonaws.com/", signingRegion: "us-east-1"))
        #expect(
            AWSEndpoint.resolve(.sts, region: "eu-west-1", override: nil)
                == AWSEndpoint(url: "https://sts.eu-west-1.amazonaws.com/", signingRegion: "eu-west-1"))
        #expect(
            AWSEndpoint.resolve(.sts, region: "cn-northwest-1", override: nil)
                == AWSEndpoint(url: "https://sts.cn-northwest-1.amazonaws.com.cn/", signingRegion: "cn-northwest-1"))
        #expect(
            AWSEndpoint.resolve(.sts, region: "us-gov-west-1", override: nil)
                == AWSEndpoint(url: "https://sts.us-gov-west-1.amazonaws.com/", signingRegion: "us-gov-west-1"))
        #expect(
            AWSEndpoint.resolve(.sts, region: "aws-global", override: nil)
                == AWSEndpoint(url: "https://sts.amazonaws.com/", signingRegion: "us-east-1"))
    }

    @Test("An override URL is used as is, signed with the region or us-east-1")
    func overrides() {
        for service in AWSService.allCases {
            #expect(
                AWSEndpoint.resolve(service, region: nil, override: "http://127.0.0.1:4566")
                    == AWSEndpoint(url: "http://127.0.0.1:4566", signingRegion: "us-east-1"))
            #expect(
                AWSEndpoint.resolve(service, region: "eu-central-1", override: "https://vegas.example.com/aws/")
                    == AWSEndpoint(url: "https://vegas.example.com/aws/", signingRegion: "eu-central-1"))
            #expect(
                AWSEndpoint.resolve(service, region: "cn-north-1", override: "http://localhost:8080/")
                    == AWSEndpoint(url: "http://localhost:8080/", signingRegion: "cn-north-1"))
            #expect(
                AWSEndpoint.resolve(service, region: "aws-global", override: "http://localhost:8080/")
                    == AWSEndpoint(url: "http://localhost:8080/", signingRegion: "us-east-1"))
        }
        // An empty override (an unset-but-present AWS_ENDPOINT_URL) means none.
        #expect(AWSEndpoint.resolve(.iam, region: nil, override: "").url == "https://iam.amazonaws.com/")
    }

    @Test("Endpoint URLs: Host header keeps a non-default port, path defaults to /")
    func endpointURLParts() throws {
        let local = try #require(EndpointURL("http://127.0.0.1:4566"))
        #expect(local.hostHeader == "127.0.0.1:4566")
        #expect(local.path == "/")
        #expect(local.absoluteString == "http://127.0.0.1:4566/")

        let aws = try #require(EndpointURL("https://IAM.amazonaws.com/"))
        #expect(aws.hostHeader == "iam.amazonaws.com")
        #expect(aws.isSecure)

        #expect(try #require(EndpointURL("https://sts.amazonaws.com:443/")).hostHeader == "sts.amazonaws.com")
        #expect(try #require(EndpointURL("http://localhost:80")).hostHeader == "localhost")
        #expect(try #require(EndpointURL("http://localhost:443")).hostHeader == "localhost:443")
        #expect(try #require(EndpointURL("https://host:8443/aws/iam/")).path == "/aws/iam/")

        let ipv6 = try #require(EndpointURL("http://[::1]:8080/"))
        #expect(ipv6.hostHeader == "[::1]:8080")
        #expect(ipv6.absoluteString == "http://[::1]:8080/")
    }

    @Test(
        "Endpoint URLs that cannot be signed faithfully are rejected",
        arguments: [
            "", "iam.amazonaws.com", "ftp://host/", "https://", "https:///path", "https://user:pw@host/",
            "https://host/?a=b", "https://host/#frag", "https://host:0/", "https://host:65536/", "https://host:12a/",
            "https://host:/", "https://ho st/", "https://[::1/", "https://[zz]/", "https://a:1:2/",
            "http://host\u{7F}/",
            "https://höst/",
        ])
    func endpointURLRejects(url: String) {
        #expect(EndpointURL(url) == nil)
    }
}
