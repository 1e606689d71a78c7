import Testing

@testable import BastionProtocol

struct ListenFilterTests {
    @Test func aListenGetsOnlyTheKindsItAskedFor() {
        let filter = ListenFilter(toolsListChanged: true, resourceURIs: ["file:///a"])
        #expect(filter.wants("notifications/tools/list_changed", params: nil))
        #expect(filter.wants("notifications/resources/updated", params: ["uri": "file:///a"]))
        #expect(!filter.wants("notifications/resources/updated", params: ["uri": "file:///b"]))
        #expect(!filter.wants("notifications/resources/updated", params: nil))
        #expect(!filter.wants("notifications/prompts/list_changed", params: nil))
        #expect(!ListenFilter().wants("notifications/tools/list_changed", params: nil))
    }

    @Test func progressAndLogsAreNoChangeNotifications() {
        #expect(!ListenFilter.changeNotifications.contains("notifications/progress"))
        #expect(!ListenFilter.changeNotifications.contains("notifications/message"))
        #expect(ListenFilter.changeNotifications.contains("notifications/resources/updated"))
    }

    @Test func aListenOnTaskIDsGetsTheStatusOfThoseTasksOnly() {
        let filter = ListenFilter(taskIDs: ["t-1"])
        #expect(filter.wants("notifications/tasks", params: ["taskId": "t-1", "status": "completed"]))
        #expect(!filter.wants("notifications/tasks", params: ["taskId": "t-2"]))
        #expect(!filter.wants("notifications/tasks", params: nil))
        #expect(!ListenFilter().wants("notifications/tasks", params: ["taskId": "t-1"]))
        #expect(ListenFilter.changeNotifications.contains(TasksExtension.statusNotification))
    }
}
