;; `local x = require("x")` (and `require "x"`, `require("x").y`)
((variable_declaration
  (assignment_statement
    (expression_list
      value: [
        (function_call
          name: (identifier) @_require)
        (dot_index_expression
          table: (function_call
            name: (identifier) @_require))
      ]))) @import
  (#eq? @_require "require"))

;; A global `x = require("x")`
((chunk
  (assignment_statement
    (expression_list
      value: (function_call
        name: (identifier) @_require))) @import)
  (#eq? @_require "require"))

((block
  (assignment_statement
    (expression_list
      value: (function_call
        name: (identifier) @_require))) @import)
  (#eq? @_require "require"))

;; A bare `require("x")` call statement
((chunk
  (function_call
    name: (identifier) @_require) @import)
  (#eq? @_require "require"))

((block
  (function_call
    name: (identifier) @_require) @import)
  (#eq? @_require "require"))
