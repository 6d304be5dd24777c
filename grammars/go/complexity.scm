; Cyclomatic complexity decision points (McCabe, as gocyclo counts them):
; one @branch per if (`else if` too), for (every form), non-default case of
; a switch, type switch or select, and `&&` / `||` operator. `else` and
; `default` are not counted.

;; Conditionals
(if_statement) @branch

(expression_case) @branch

(type_case) @branch

(communication_case) @branch

;; Loops
(for_statement) @branch

;; Short-circuit operators
(binary_expression
  operator: [
    "&&"
    "||"
  ]) @branch
