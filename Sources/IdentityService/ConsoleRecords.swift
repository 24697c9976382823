#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A browser's console session as the store keeps it: found by the SHA-256 of its cookie (the table never holds a
/// usable cookie), its state sealed (it may hold the seed of an authenticator app being set up), and a version that
/// every change moves, so that two requests changing one session at once cannot both win.
public struct ConsoleSessionRecord: Codable, Sendable, Equatable {
    public var tokenHash: Data
    public var sealedState: Data
    public var version: Int64
    public var expires: Date

    public init(tokenHash: Data, sealedState: Data, version: Int64, expires: Date) {
        self.tokenHash = tokenHash
        self.sealedState = sealedState
        self.version = version
        self.expires = expires
    }
}

/// A federation sign-in token (`getSigninToken`), found by its SHA-256 and redeemed at most once.
public struct SigninTokenRecord: Codable, Sendable, Equatable {
    public var tokenHash: Data
    /// The principal the console session will have, sealed.
    public var sealedPrincipal: Data
    /// When the console session it opens ends.
    public var sessionExpires: Date
    /// When the token itself stops being accepted.
    public var expires: Date

    public init(tokenHash: Data, sealedPrincipal: Data, sessionExpires: Date, expires: Date) {
        self.tokenHash = tokenHash
        self.sealedPrincipal = sealedPrincipal
        self.sessionExpires = sessionExpires
        self.expires = expires
    }
}
