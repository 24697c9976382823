/// Why an INI file (AWS config or credentials) could not be read or edited, and where.
public struct INIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name given to the parser.
    public var fileName: String
    /// The 1-based line of the problem; nil when it concerns the whole file.
    public var line: Int?
    public var message: String

    public init(fileName: String, line: Int?, message: String) {
        self.fileName = fileName
        self.line = line
        self.message = message
    }

    /// `<file>:<line>: <message>`, or `<file>: <message>` for whole-file problems.
    public var description: String {
        if let line { "\(fileName):\(line): \(message)" } else { "\(fileName): \(message)" }
    }
}
