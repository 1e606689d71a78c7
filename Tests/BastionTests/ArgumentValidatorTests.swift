import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ArgumentValidatorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var schema: JSONValue
        var value: JSONValue
        /// The expected problem, or `nil` when the value is valid.
        var problem: String?
        var testDescription: String { label }
    }

    static let object: JSONValue = [
        "type": "object",
        "properties": [
            "path": ["type": "string", "minLength": 1, "maxLength": 5],
            "ms": ["type": "integer", "minimum": 0, "maximum": 100],
            "ratio": ["type": "number"],
            "mode": ["enum": ["fast", "slow", 1]],
            "kind": ["const": "file"],
            "tags": ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 2],
            "maybe": ["type": ["string", "null"]],
            "edits": [
                "type": "array",
                "items": [
                    "type": "object", "required": ["oldText"],
                    "properties": ["oldText": ["type": "string"], "newText": ["type": "string"]],
                    "additionalProperties": false,
                ],
            ],
        ],
        "required": ["path"],
        "additionalProperties": false,
    ]

    static let cases: [Case] = [
        Case(label: "valid", schema: object, value: ["path": "a.txt", "ms": 5, "ratio": 0.5], problem: nil),
        Case(label: "not an object", schema: object, value: "a.txt", problem: "arguments must be object, not string"),
        Case(label: "missing required", schema: object, value: ["ms": 1], problem: "arguments.path is required"),
        Case(
            label: "additional property",
            schema: object,
            value: ["path": "a", "extra": 1],
            problem: "arguments.extra is not a known argument"
        ),
        Case(
            label: "string expected",
            schema: object,
            value: ["path": 7],
            problem: "arguments.path must be string, not integer"
        ),
        Case(
            label: "integer given a fraction",
            schema: object,
            value: ["path": "a", "ms": 2.5],
            problem: "arguments.ms must be integer, not number"
        ),
        Case(label: "integer given 3.0", schema: object, value: ["path": "a", "ms": 3.0], problem: nil),
        Case(label: "number given an integer", schema: object, value: ["path": "a", "ratio": 3], problem: nil),
        Case(
            label: "number given a string",
            schema: object,
            value: ["path": "a", "ratio": "3"],
            problem: "arguments.ratio must be number, not string"
        ),
        Case(
            label: "boolean is not an integer",
            schema: object,
            value: ["path": "a", "ms": true],
            problem: "arguments.ms must be integer, not boolean"
        ),
        Case(
            label: "below minimum",
            schema: object,
            value: ["path": "a", "ms": -1],
            problem: "arguments.ms must be ≥ 0.0"
        ),
        Case(
            label: "above maximum",
            schema: object,
            value: ["path": "a", "ms": 101],
            problem: "arguments.ms must be ≤ 100.0"
        ),
        Case(label: "at the bounds", schema: object, value: ["path": "abcde", "ms": 100], problem: nil),
        Case(
            label: "too short",
            schema: object,
            value: ["path": ""],
            problem: "arguments.path must be at least 1 characters"
        ),
        Case(
            label: "too long",
            schema: object,
            value: ["path": "abcdef"],
            problem: "arguments.path must be at most 5 characters"
        ),
        Case(label: "length counts scalars", schema: object, value: ["path": "ééééé"], problem: nil),
        Case(label: "enum member", schema: object, value: ["path": "a", "mode": "slow"], problem: nil),
        Case(label: "enum number as double", schema: object, value: ["path": "a", "mode": 1.0], problem: nil),
        Case(
            label: "not in enum",
            schema: object,
            value: ["path": "a", "mode": "medium"],
            problem: #"arguments.mode must be one of ["fast","slow",1]"#
        ),
        Case(
            label: "const mismatch",
            schema: object,
            value: ["path": "a", "kind": "dir"],
            problem: #"arguments.kind must be "file""#
        ),
        Case(
            label: "item type",
            schema: object,
            value: ["path": "a", "tags": ["x", 2]],
            problem: "arguments.tags[1] must be string, not integer"
        ),
        Case(
            label: "too few items",
            schema: object,
            value: ["path": "a", "tags": []],
            problem: "arguments.tags needs at least 1 items"
        ),
        Case(
            label: "too many items",
            schema: object,
            value: ["path": "a", "tags": ["x", "y", "z"]],
            problem: "arguments.tags allows at most 2 items"
        ),
        Case(label: "type list accepts null", schema: object, value: ["path": "a", "maybe": .null], problem: nil),
        Case(
            label: "type list refuses others",
            schema: object,
            value: ["path": "a", "maybe": 1],
            problem: "arguments.maybe must be string or null, not integer"
        ),
        Case(
            label: "nested required",
            schema: object,
            value: ["path": "a", "edits": [["newText": "b"]]],
            problem: "arguments.edits[0].oldText is required"
        ),
        Case(
            label: "nested additional",
            schema: object,
            value: ["path": "a", "edits": [["oldText": "a"], ["oldText": "b", "dryRun": true]]],
            problem: "arguments.edits[1].dryRun is not a known argument"
        ),
        Case(
            label: "nested type",
            schema: object,
            value: ["path": "a", "edits": [["oldText": ["x"]]]],
            problem: "arguments.edits[0].oldText must be string, not array"
        ),
        Case(
            label: "additionalProperties schema",
            schema: ["type": "object", "additionalProperties": ["type": "string"]],
            value: ["env": 1],
            problem: "arguments.env must be string, not integer"
        ),
        Case(
            label: "additionalProperties allowed by default",
            schema: ["type": "object"],
            value: ["anything": [1]],
            problem: nil
        ),
        Case(label: "non-object schema is permissive", schema: true, value: ["x": 1], problem: nil),
        Case(
            label: "unknown keywords are ignored",
            schema: ["type": "string", "format": "uri"],
            value: "x",
            problem: nil
        ),
    ]

    @Test(arguments: cases)
    func validateReportsTheFirstProblemWithItsPath(_ testCase: Case) {
        #expect(ArgumentValidator.validate(testCase.value, against: testCase.schema) == testCase.problem)
    }

    @Test func thePathPrefixCanBeChosen() {
        #expect(
            ArgumentValidator.validate(1, against: ["type": "string"], path: "params.x")
                == "params.x must be string, not integer"
        )
    }

    @Test func propertiesAreCheckedInNameOrder() {
        let schema: JSONValue = ["type": "object", "properties": ["a": ["type": "string"], "b": ["type": "string"]]]
        #expect(
            ArgumentValidator.validate(["b": 1, "a": 2], against: schema) == "arguments.a must be string, not integer"
        )
    }
}
