import AWSProtocol
import Foundation
import HTTPTypes
import Hummingbird
import IdentityService
import Logging
import Mustache
import NIOCore
import OTP
import WebAuthn

/// The web console under `/console`: sign-in with a choice of MFA device, and the security credentials page (MFA
/// devices including security keys, access keys, password). Server-rendered pages; a small script runs WebAuthn.
struct Console: Sendable {
    let identity: IdentityService
    let sessions: ConsoleSessions
    let pages: MustacheLibrary
    let relyingParty: RelyingParty
    let attestation: String
    /// Cookies get `Secure` when the console is served over HTTPS.
    let secureCookies: Bool
    let clock: @Sendable () -> Date

    static let cookieName = "vegas_console"
    /// Largest form or JSON body the console reads.
    static let maxBodyBytes = 64 * 1024
    /// The one answer to a wrong password, an unknown user, or a wrong, reused or locked-out MFA code.
    static let incorrect = "Your authentication information is incorrect. Please try again."

    init(
        identity: IdentityService, sessions: ConsoleSessions, relyingParty: RelyingParty, attestation: String,
        clock: @escaping @Sendable () -> Date
    ) throws {
        self.attestation = attestation
        self.identity = identity
        self.sessions = sessions
        self.pages = try ConsoleTemplates.library()
        self.relyingParty = relyingParty
        self.secureCookies = relyingParty.origins.first?.hasPrefix("https://") ?? false
        self.clock = clock
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        let console = router.group("console", context: ConsoleContext.self)
            .add(middleware: SecurityHeaders<ConsoleContext>(https: secureCookies))
            .add(middleware: ConsoleSessionMiddleware(sessions: sessions))
        console.get("/") { request, context in try await home(request, context) }
        console.get("password-reset") { request, context in try await passwordResetPage(request, context) }
        console.post("password-reset") { request, context in try await resetPassword(request, context) }
        console.get("signin") { request, context in try await signInPage(request, context) }
        console.post("signin") { request, context in try await signIn(request, context) }
        console.post("signout") { request, context in try await signOut(request, context) }
        console.get("mfa") { request, context in try await chooseDevicePage(request, context) }
        console.post("mfa/choose") { request, context in try await chooseDevice(request, context) }
        console.get("mfa/code") { request, context in try await codePage(request, context) }
        console.post("mfa/code") { request, context in try await submitCode(request, context) }
        console.get("mfa/security-key") { request, context in try await securityKeyPage(request, context) }
        console.post("mfa/security-key/options") { request, context in try await signInOptions(request, context) }
        console.post("mfa/security-key/verify") { request, context in try await signInVerify(request, context) }
        console.get("security-credentials") { request, context in try await securityCredentials(request, context) }
        console.get("mfa/assign") { request, context in try await assignPage(request, context) }
        console.post("mfa/assign") { request, context in try await assign(request, context) }
        console.get("mfa/assign/authenticator") { request, context in try await authenticatorPage(request, context) }
        console.post("mfa/assign/authenticator") { request, context in try await enableAuthenticator(request, context) }
        console.get("mfa/assign/hardware") { request, context in try await hardwarePage(request, context) }
        console.post("mfa/assign/hardware") { request, context in try await enableHardware(request, context) }
        console.get("mfa/assign/security-key") { request, context in try await securityKeySetupPage(request, context) }
        console.post("mfa/assign/security-key/options") { request, context in
            try await registrationOptions(request, context)
        }
        console.post("mfa/assign/security-key/verify") { request, context in
            try await registrationVerify(request, context)
        }
        console.post("mfa/remove") { request, context in try await removeDevice(request, context) }
        console.post("access-keys") { request, context in try await createAccessKey(request, context) }
        console.post("access-keys/delete") { request, context in try await deleteAccessKey(request, context) }
        console.post("password") { request, context in try await changePassword(request, context) }
        console.get("static/console.css") { _, _ in
            Self.asset(ConsoleAssets.css, contentType: "text/css; charset=utf-8")
        }
        console.get("static/console.js") { _, _ in
            Self.asset(ConsoleAssets.javascript, contentType: "text/javascript; charset=utf-8")
        }
    }

    /// Whether `name` can name an MFA device (AWS's virtual device name rule); the service checks it again.
    static func isDeviceName(_ name: String) -> Bool {
        (1...64).contains(name.count) && AWSPattern.virtualMFADeviceName.matches(name)
    }

    static func typeName(_ kind: MFADeviceKind) -> String {
        switch kind {
        case .virtual: return "Authenticator app"
        case .securityKey: return "Security key"
        case .hardware: return "Hardware TOTP token"
        }
    }

    static func displayDate(_ date: Date) -> String {
        AWSTimestamp.format(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
