import Mustache

/// The console's pages as Mustache templates, compiled into the binary (the server needs no resource files).
/// Every page extends `layout`; values are HTML-escaped by Mustache.
enum ConsoleTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in templates { try library.register(text, named: name) }
        return library
    }

    static let templates: [(String, String)] = [
        ("layout", layout), ("signin", signIn), ("password-reset", passwordReset), ("mfa-choose", mfaChoose),
        ("mfa-code", mfaCode),
        ("mfa-security-key", mfaSecurityKey), ("home", home), ("security-credentials", securityCredentials),
        ("assign-mfa", assignMFA), ("assign-authenticator", assignAuthenticator),
        ("assign-security-key", assignSecurityKey), ("assign-hardware", assignHardware),
        ("access-key-created", accessKeyCreated), ("error", errorPage),
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}Console{{/title}} · Vegas</title>
        <link rel="stylesheet" href="/console/static/console.css">
        <meta name="csrf-token" content="{{csrf}}">
        <script src="/console/static/console.js" defer></script>
        </head>
        <body>
        <header class="bar">
          <a class="brand" href="/console/">Vegas <span>console</span></a>
          {{#identity}}
          <span class="who">{{identity}}</span>
          <form method="post" action="/console/signout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button class="link" type="submit">Sign out</button></form>
          {{/identity}}
        </header>
        <main>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#error}}<p class="error" role="alert" id="error">{{error}}</p>{{/error}}
        {{$body}}{{/body}}
        </main>
        </body>
        </html>
        """

    static let signIn = """
        {{<layout}}{{$title}}Sign in{{/title}}{{$body}}
        <section class="card narrow">
        <h1>Sign in</h1>
        <form method="post" action="/console/signin" id="signin-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>Account ID or alias <input name="account" id="account" value="{{account}}" required autocomplete="organization"></label>
          <fieldset class="choice">
            <legend>Sign in as</legend>
            <label><input type="radio" name="kind" value="user" id="kind-user" {{^root}}checked{{/root}}> IAM user</label>
            <label><input type="radio" name="kind" value="root" id="kind-root" {{#root}}checked{{/root}}> Root user</label>
          </fieldset>
          <label class="user-only">IAM user name <input name="username" id="username" value="{{username}}" autocomplete="username"></label>
          <label>Password <input type="password" name="password" id="password" required autocomplete="current-password"></label>
          <button type="submit" id="signin">Sign in</button>
        </form>
        </section>
        {{/body}}{{/layout}}
        """

    static let passwordReset = """
        {{<layout}}{{$title}}Choose a new password{{/title}}{{$body}}
        <section class="card narrow">
        <h1>Choose a new password</h1>
        <p>Your administrator asks you to set a new console password before you continue.</p>
        <form method="post" action="/console/password-reset" id="password-reset-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>New password <input type="password" name="new" id="new-password" required minlength="8" autocomplete="new-password"></label>
          <label>Confirm new password <input type="password" name="confirm" id="confirm-password" required minlength="8" autocomplete="new-password"></label>
          <button type="submit" id="set-password">Set password</button>
        </form>
        </section>
        {{/body}}{{/layout}}
        """

    static let mfaChoose = """
        {{<layout}}{{$title}}Choose an MFA device{{/title}}{{$body}}
        <section class="card narrow">
        <h1>Multi-factor authentication</h1>
        <p>Your account is protected by several MFA devices. Choose the one you have with you.</p>
        <form method="post" action="/console/mfa/choose" id="choose-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <fieldset class="choice devices">
            <legend>MFA device</legend>
            {{#devices}}
            <label class="device"><input type="radio" name="device" value="{{value}}" {{#first}}checked{{/first}}>
              <strong>{{label}}</strong> <span class="muted">{{kind}}</span></label>
            {{/devices}}
          </fieldset>
          <button type="submit" id="choose">Next</button>
        </form>
        </section>
        {{/body}}{{/layout}}
        """

    static let mfaCode = """
        {{<layout}}{{$title}}Enter MFA code{{/title}}{{$body}}
        <section class="card narrow">
        <h1>Multi-factor authentication</h1>
        <p>Enter the 6-digit code shown for <strong>{{deviceName}}</strong> in your authenticator app or on your token.</p>
        <form method="post" action="/console/mfa/code" id="code-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>MFA code <input name="code" id="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="one-time-code" autofocus></label>
          <button type="submit" id="submit-code">Submit</button>
        </form>
        {{#several}}<p><a href="/console/mfa" id="other-device">Use another MFA device</a></p>{{/several}}
        </section>
        {{/body}}{{/layout}}
        """

    static let mfaSecurityKey = """
        {{<layout}}{{$title}}Use your security key{{/title}}{{$body}}
        <section class="card narrow">
        <h1>Multi-factor authentication</h1>
        <p>Insert your security key and touch it when it blinks. Your browser will ask you to confirm.</p>
        <div class="webauthn" data-ceremony="get" data-options="/console/mfa/security-key/options" data-verify="/console/mfa/security-key/verify" data-autostart="true">
          <button type="button" id="use-security-key">Use security key</button>
          <p class="status muted" id="webauthn-status" role="status"></p>
        </div>
        {{#several}}<p><a href="/console/mfa" id="other-device">Use another MFA device</a></p>{{/several}}
        </section>
        {{/body}}{{/layout}}
        """

    static let home = """
        {{<layout}}{{$title}}Home{{/title}}{{$body}}
        <section class="card">
        <h1>Welcome</h1>
        <dl class="facts">
          <dt>Signed in as</dt><dd id="arn">{{arn}}</dd>
          <dt>Account</dt><dd>{{accountId}}</dd>
          {{#expires}}<dt>Session ends</dt><dd>{{expires}}</dd>{{/expires}}
        </dl>
        {{#isUser}}<p><a class="button" href="/console/security-credentials" id="security-credentials">My security credentials</a></p>{{/isUser}}
        {{^isUser}}<p class="muted">This is a role session opened through the federation endpoint. MFA devices and access keys belong to IAM users and the root user.</p>{{/isUser}}
        </section>
        {{/body}}{{/layout}}
        """

    static let securityCredentials = """
        {{<layout}}{{$title}}My security credentials{{/title}}{{$body}}
        <h1>My security credentials</h1>
        <section class="card">
        <dl class="facts"><dt>User</dt><dd id="arn">{{arn}}</dd><dt>Account</dt><dd>{{accountId}}{{#alias}} ({{alias}}){{/alias}}</dd></dl>
        </section>

        <section class="card" id="mfa">
        <div class="heading"><h2>Multi-factor authentication (MFA) <span class="muted">({{deviceCount}} of {{deviceLimit}})</span></h2>
        {{^atLimit}}<a class="button" href="/console/mfa/assign" id="assign-mfa">Assign MFA device</a>{{/atLimit}}</div>
        {{#atLimit}}<p class="warning" id="mfa-limit">You have {{deviceLimit}} MFA devices, the most a user can have. Remove one to assign another.</p>{{/atLimit}}
        <p class="muted">Use MFA to add a second step to signing in. You can assign up to {{deviceLimit}} devices of any type; keep a second one as a backup.</p>
        {{#hasDevices}}
        <table id="mfa-devices">
          <thead><tr><th>Type</th><th>Name</th><th>Identifier</th><th>Assigned</th><th></th></tr></thead>
          <tbody>
          {{#devices}}
          <tr><td>{{type}}{{#flagged}} <span class="badge danger" title="Its signature counter went backwards: the key may have been cloned. It is refused until you remove it.">blocked</span>{{/flagged}}</td><td>{{name}}</td><td class="mono">{{serial}}</td><td>{{assigned}}</td>
          <td><form method="post" action="/console/mfa/remove" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="serial" value="{{serial}}"><button class="link danger" type="submit">Remove</button></form></td></tr>
          {{/devices}}
          </tbody>
        </table>
        {{/hasDevices}}
        {{#anyFlagged}}<p class="warning" id="clone-warning">A security key marked <strong>blocked</strong> signed in with a lower counter than before, so it may have been copied. It is refused at sign-in: remove it, and register the key again if you still trust it.</p>{{/anyFlagged}}
        {{^hasDevices}}<p id="no-mfa">No MFA devices yet.</p>{{/hasDevices}}
        </section>

        {{#isUser}}
        <section class="card" id="access-keys">
        <div class="heading"><h2>Access keys <span class="muted">({{keyCount}} of 2)</span></h2>
        <form method="post" action="/console/access-keys" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="create-access-key" {{#keysAtLimit}}disabled{{/keysAtLimit}}>Create access key</button></form></div>
        <p class="muted">Access keys let the AWS CLI and SDKs sign requests as you. Use them through vegas-credentials, which adds MFA and hands out short-lived credentials.</p>
        {{#keys}}
        <table id="access-key-table"><thead><tr><th>Access key ID</th><th>Status</th><th>Created</th><th></th></tr></thead><tbody>
        {{#list}}<tr><td class="mono">{{id}}</td><td>{{status}}</td><td>{{created}}</td><td><form method="post" action="/console/access-keys/delete" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}"><button class="link danger" type="submit">Delete</button></form></td></tr>{{/list}}
        </tbody></table>
        {{/keys}}
        </section>
        {{/isUser}}

        <section class="card narrow-form" id="password">
        <h2>Console password</h2>
        <form method="post" action="/console/password" id="password-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>Current password <input type="password" name="current" id="current-password" required autocomplete="current-password"></label>
          <label>New password <input type="password" name="new" id="new-password" required minlength="8" autocomplete="new-password"></label>
          <label>Confirm new password <input type="password" name="confirm" id="confirm-password" required minlength="8" autocomplete="new-password"></label>
          <button type="submit" id="change-password">Change password</button>
        </form>
        </section>
        {{/body}}{{/layout}}
        """

    static let assignMFA = """
        {{<layout}}{{$title}}Assign MFA device{{/title}}{{$body}}
        <section class="card narrow">
        <h1>Assign MFA device</h1>
        <form method="post" action="/console/mfa/assign" id="assign-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>Device name <input name="name" id="device-name" value="{{name}}" required maxlength="64" pattern="[A-Za-z0-9+=,.@_-]+"></label>
          <p class="hint">A name you will recognise at sign-in, e.g. <em>yubikey-5c</em> or <em>phone</em>. Letters, digits and + = , . @ - _</p>
          <fieldset class="choice">
            <legend>MFA device type</legend>
            <label class="device"><input type="radio" name="type" value="authenticator" id="type-authenticator" checked>
              <strong>Authenticator app</strong><span class="muted">A phone app (Google Authenticator, Duo Mobile, Authy) or Yubico Authenticator with a YubiKey: 6&#8209;digit codes from a QR code.</span></label>
            <label class="device"><input type="radio" name="type" value="security-key" id="type-security-key">
              <strong>Security key</strong><span class="muted">A FIDO security key such as a YubiKey: insert it and touch it.</span></label>
            <label class="device"><input type="radio" name="type" value="hardware" id="type-hardware">
              <strong>Hardware TOTP token</strong><span class="muted">A key fob or display card that shows 6&#8209;digit codes; you need its serial number and the secret key from its vendor's seed file.</span></label>
          </fieldset>
          <button type="submit" id="next">Next</button> <a href="/console/security-credentials">Cancel</a>
        </form>
        </section>
        {{/body}}{{/layout}}
        """

    static let assignAuthenticator = """
        {{<layout}}{{$title}}Set up authenticator app{{/title}}{{$body}}
        <section class="card">
        <h1>Set up authenticator app: {{name}}</h1>
        <ol class="steps">
          <li>Install an authenticator app on your phone or computer, or use Yubico Authenticator with your YubiKey (tick <em>Require touch</em> when you add the account).</li>
          <li>Scan this QR code with the app.
            <div class="qr"><img id="qr-code" src="data:image/png;base64,{{qrCodePNG}}" alt="QR code holding the secret key" width="240" height="240"></div>
            <details id="show-secret"><summary>Show secret key</summary>
              <p>Or type this secret key into the app (time-based, 6 digits, 30 seconds):</p>
              <p class="mono secret" id="secret-key">{{base32Seed}}</p>
            </details>
          </li>
          <li>Type two consecutive codes from the app: wait for the code to change before typing the second.
            <form method="post" action="/console/mfa/assign/authenticator" id="codes-form">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <label>MFA code 1 <input name="code1" id="code1" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="off"></label>
              <label>MFA code 2 <input name="code2" id="code2" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="off"></label>
              <button type="submit" id="add-mfa">Add MFA</button> <a href="/console/security-credentials">Cancel</a>
            </form>
          </li>
        </ol>
        </section>
        {{/body}}{{/layout}}
        """

    static let assignSecurityKey = """
        {{<layout}}{{$title}}Set up security key{{/title}}{{$body}}
        <section class="card narrow">
        <h1>Set up security key: {{name}}</h1>
        <p>Insert your security key into a USB port (or hold it to the reader), press <strong>Continue</strong>, and touch the key when it blinks. Follow your browser's prompts.</p>
        <div class="webauthn" data-ceremony="create" data-name="{{name}}" data-options="/console/mfa/assign/security-key/options" data-verify="/console/mfa/assign/security-key/verify">
          <button type="button" id="register-security-key">Continue</button> <a href="/console/security-credentials">Cancel</a>
          <p class="status muted" id="webauthn-status" role="status"></p>
        </div>
        </section>
        {{/body}}{{/layout}}
        """

    static let assignHardware = """
        {{<layout}}{{$title}}Set up hardware TOTP token{{/title}}{{$body}}
        <section class="card narrow">
        <h1>Set up hardware TOTP token: {{name}}</h1>
        <form method="post" action="/console/mfa/assign/hardware" id="hardware-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="name" value="{{name}}">
          <label>Serial number <input name="serial" id="token-serial" value="{{serial}}" required maxlength="256" autocomplete="off"></label>
          <p class="hint">Printed on the back of the token, e.g. GAKT12345678.</p>
          <label>Secret key <input name="secret" id="token-secret" required autocomplete="off" spellcheck="false"></label>
          <p class="hint">The base32 secret of this serial in the seed file your token's vendor sent (time-based, 6 digits, 30 seconds).</p>
          <label>MFA code 1 <input name="code1" id="code1" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="off"></label>
          <label>MFA code 2 <input name="code2" id="code2" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="off"></label>
          <p class="hint">Press the token's button, type the code, wait for a new code and type it too.</p>
          <button type="submit" id="add-mfa">Add MFA</button> <a href="/console/security-credentials">Cancel</a>
        </form>
        </section>
        {{/body}}{{/layout}}
        """

    static let accessKeyCreated = """
        {{<layout}}{{$title}}Access key created{{/title}}{{$body}}
        <section class="card narrow">
        <h1>Access key created</h1>
        <p class="warning">This is the only time the secret access key is shown. Copy it now, e.g. into <code>~/.aws/credentials</code>, where vegas-credentials can use it to get short-lived credentials with MFA.</p>
        <dl class="facts"><dt>Access key ID</dt><dd class="mono" id="access-key-id">{{id}}</dd><dt>Secret access key</dt><dd class="mono secret" id="secret-access-key">{{secret}}</dd></dl>
        <p><a class="button" href="/console/security-credentials" id="done">Done</a></p>
        </section>
        {{/body}}{{/layout}}
        """

    static let errorPage = """
        {{<layout}}{{$title}}{{heading}}{{/title}}{{$body}}
        <section class="card narrow"><h1>{{heading}}</h1><p>{{message}}</p><p><a href="/console/">Back to the console</a></p></section>
        {{/body}}{{/layout}}
        """
}
