/// The requests of one session waiting for a credit, oldest first.
///
/// A list with a moving head: taking the oldest is O(1) (the spent front is dropped once it is half
/// the storage), and removing a cancelled request is one scan and shift of a list the session keeps
/// bounded. Removal closes the gap at once, so the storage never holds more than the waiting
/// requests plus the spent front, however often a client queues and cancels.
struct AdmissionQueue {
    private var storage: [AdmittedRequest?] = []
    private var head = 0

    /// How many requests wait.
    var count: Int { storage.count - head }

    var isEmpty: Bool { head == storage.count }

    /// Adds a request after every other.
    mutating func append(_ request: AdmittedRequest) {
        storage.append(request)
    }

    /// Takes the oldest request.
    mutating func popFirst() -> AdmittedRequest? {
        guard head < storage.count else { return nil }
        defer {
            storage[head] = nil
            head += 1
            dropSpentFront()
        }
        return storage[head]
    }

    /// Takes the request with `id` out of the queue, wherever it waits.
    mutating func remove(_ id: RequestID) -> AdmittedRequest? {
        guard let index = storage[head...].firstIndex(where: { $0?.id == id }) else { return nil }
        defer { dropSpentFront() }
        return storage.remove(at: index)
    }

    /// Takes every request, oldest first.
    mutating func removeAll() -> [AdmittedRequest] {
        defer { self = AdmissionQueue() }
        return storage[head...].compactMap { $0 }
    }

    private mutating func dropSpentFront() {
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 1024)
            head = 0
        } else if head >= 32, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
