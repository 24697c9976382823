/// Constant-time equality of two byte strings / codes: the time taken depends only on the lengths
/// (a length difference may leak), never on where the contents differ.
public func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) {
        difference |= x ^ y
    }
    return a.count == b.count && difference == 0
}
