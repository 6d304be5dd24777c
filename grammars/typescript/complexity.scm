; Cyclomatic complexity decision points (McCabe, as ESLint's `complexity`
; rule counts them): one @branch per if (so `else if` too), loop, catch,
; non-default switch case, ternary, and short-circuit operator (`&&`, `||`,
; `??` and their assignment forms). `else`, `finally` and `default` are not.

;; Conditionals
(if_statement) @branch

(ternary_expression) @branch

(switch_case) @branch

;; Loops
(for_statement) @branch

(for_in_statement) @branch

(while_statement) @branch

(do_statement) @branch

;; Exception handlers
(catch_clause) @branch

;; Short-circuit operators
(binary_expression
  operator: [
    "&&"
    "||"
    "??"
  ]) @branch

(augmented_assignment_expression
  operator: [
    "&&="
    "||="
    "??="
  ]) @branch
