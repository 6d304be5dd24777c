;; Definitions: @definition.function / .method on the whole node, with @name
;; (the full name: `f`, `M.f` or `M:f`) and @body (absent for an empty
;; function). Lua has no classes: `function M:f()` (a `self` method) is a
;; method, every other function a function. A run of comments holding at
;; least one `---` line (LuaLS annotations) right before a function is
;; captured as @doc by the "Documented" patterns, in extra matches of the same
;; definition nodes.

;; Functions: `function f()`, `local function f()`, `function M.f()`
(function_declaration
  name: [
    (identifier)
    (dot_index_expression)
  ] @name
  body: (block)? @body) @definition.function

;; Methods: `function M:f()`
(function_declaration
  name: (method_index_expression) @name
  body: (block)? @body) @definition.method

;; Functions bound to a variable: `local f = function() end`, `M.f = function() end`
(variable_declaration
  (assignment_statement
    (variable_list
      .
      name: (_) @name)
    (expression_list
      .
      value: (function_definition
        body: (block)? @body)))) @definition.function

(chunk
  (assignment_statement
    (variable_list
      .
      name: (_) @name)
    (expression_list
      .
      value: (function_definition
        body: (block)? @body))) @definition.function)

(block
  (assignment_statement
    (variable_list
      .
      name: (_) @name)
    (expression_list
      .
      value: (function_definition
        body: (block)? @body))) @definition.function)

;; Documented functions and methods
(((comment)+ @doc
  .
  [
    (function_declaration
      name: [
        (identifier)
        (dot_index_expression)
      ] @name
      body: (block)? @body) @definition.function
    (function_declaration
      name: (method_index_expression) @name
      body: (block)? @body) @definition.method
    (variable_declaration
      (assignment_statement
        (variable_list
          .
          name: (_) @name)
        (expression_list
          .
          value: (function_definition
            body: (block)? @body)))) @definition.function
  ])
  (#any-match? @doc "^---"))
