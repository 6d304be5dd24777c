;; Import statements (`import x = require("x")` too)
(import_statement) @import

;; CommonJS: `const x = require("x")`, `const y = require("y").y`
((lexical_declaration
  (variable_declarator
    value: [
      (call_expression
        function: (identifier) @_require)
      (member_expression
        object: (call_expression
          function: (identifier) @_require))
    ])) @import
  (#eq? @_require "require"))

((variable_declaration
  (variable_declarator
    value: [
      (call_expression
        function: (identifier) @_require)
      (member_expression
        object: (call_expression
          function: (identifier) @_require))
    ])) @import
  (#eq? @_require "require"))

;; A bare `require("x");` for its side effects
((expression_statement
  (call_expression
    function: (identifier) @_require)) @import
  (#eq? @_require "require"))
