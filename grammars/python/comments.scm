;; Comments
(comment) @comment

;; Docstrings: a lone string as the first statement of a module, class or
;; function body (comments before it allowed)
(module
  .
  (comment)*
  .
  (expression_statement
    .
    (string) @docstring
    .))

(class_definition
  body: (block
    .
    (comment)*
    .
    (expression_statement
      .
      (string) @docstring
      .)))

(function_definition
  body: (block
    .
    (comment)*
    .
    (expression_statement
      .
      (string) @docstring
      .)))
