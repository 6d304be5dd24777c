;; Definitions: @definition.function on the whole function, with @name and
;; @body (`{ ... }`, or `( ... )` for a subshell function). Bash has no
;; methods or classes. The run of `#` comments right before a function
;; (a shebang line directly above included) is captured as @doc by the
;; "Documented" pattern, in extra matches of the same definition nodes.

;; Functions: `f() { ... }`, `function f { ... }`
(function_definition
  name: (word) @name
  body: (_) @body) @definition.function

;; Documented functions
((comment)+ @doc
  .
  (function_definition
    name: (word) @name
    body: (_) @body) @definition.function)
