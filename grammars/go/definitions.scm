;; Definitions: @definition.function / .method / .class, with @name and
;; @body. A run of `//` comments right before a declaration is its doc
;; comment, captured as @doc by the "Documented" patterns, in extra matches
;; of the same definition nodes.

;; Functions
(function_declaration
  name: (identifier) @name
  body: (block)? @body) @definition.function

;; Methods (functions with a receiver)
(method_declaration
  name: (field_identifier) @name
  body: (block)? @body) @definition.method

;; Structs and interfaces: the type_spec inside a type declaration
(type_spec
  name: (type_identifier) @name
  type: [
    (struct_type)
    (interface_type)
  ] @body) @definition.class

;; Documented functions and methods
((comment)+ @doc
  .
  [
    (function_declaration
      name: (identifier) @name
      body: (block)? @body) @definition.function
    (method_declaration
      name: (field_identifier) @name
      body: (block)? @body) @definition.method
  ])

;; Documented structs and interfaces (a single declaration, or one in a group)
((comment)+ @doc
  .
  (type_declaration
    .
    (type_spec
      name: (type_identifier) @name
      type: [
        (struct_type)
        (interface_type)
      ] @body) @definition.class
    .))

(type_declaration
  (comment)+ @doc
  .
  (type_spec
    name: (type_identifier) @name
    type: [
      (struct_type)
      (interface_type)
    ] @body) @definition.class)
