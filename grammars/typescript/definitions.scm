;; Definitions: @definition.function / .method / .class on the whole node,
;; with @name and @body. A doc comment (`/** ... */`, or a run of `//` lines)
;; right before a definition is captured as @doc by the second half of this
;; file, in extra matches of the same definition nodes.

;; Functions
(function_declaration
  name: (_) @name
  body: (_) @body) @definition.function

(generator_function_declaration
  name: (_) @name
  body: (_) @body) @definition.function

;; Functions bound to a variable (`const f = () => ...`, `var g = function () {}`)
(lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: [
      (arrow_function
        body: (_) @body)
      (function_expression
        body: (_) @body)
      (generator_function
        body: (_) @body)
    ])) @definition.function

(variable_declaration
  (variable_declarator
    name: (identifier) @name
    value: [
      (arrow_function
        body: (_) @body)
      (function_expression
        body: (_) @body)
      (generator_function
        body: (_) @body)
    ])) @definition.function

;; Methods (and class fields holding a function)
(method_definition
  name: (_) @name
  body: (_) @body) @definition.method

(class_body
  (public_field_definition
    name: (_) @name
    value: [
      (arrow_function
        body: (_) @body)
      (function_expression
        body: (_) @body)
    ]) @definition.method)

;; Method signatures without a body (abstract, interface members)
(abstract_method_signature
  name: (_) @name) @definition.method

(method_signature
  name: (_) @name) @definition.method

;; Function signatures without a body (overloads, `declare function`)
(function_signature
  name: (_) @name) @definition.function

;; Classes, interfaces and enums
(class_declaration
  name: (_) @name
  body: (_) @body) @definition.class

(abstract_class_declaration
  name: (_) @name
  body: (_) @body) @definition.class

(interface_declaration
  name: (_) @name
  body: (_) @body) @definition.class

(enum_declaration
  name: (_) @name
  body: (_) @body) @definition.class

(class
  name: (_)? @name
  body: (_) @body) @definition.class

;; Documented: `/** ... */` block right before the definition
((comment) @doc
  .
  [
    (function_declaration
      name: (_) @name
      body: (_) @body) @definition.function
    (generator_function_declaration
      name: (_) @name
      body: (_) @body) @definition.function
    (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        value: [
          (arrow_function
            body: (_) @body)
          (function_expression
            body: (_) @body)
          (generator_function
            body: (_) @body)
        ])) @definition.function
    (method_definition
      name: (_) @name
      body: (_) @body) @definition.method
    (abstract_method_signature
      name: (_) @name) @definition.method
    (method_signature
      name: (_) @name) @definition.method
    (function_signature
      name: (_) @name) @definition.function
    (class_declaration
      name: (_) @name
      body: (_) @body) @definition.class
    (abstract_class_declaration
      name: (_) @name
      body: (_) @body) @definition.class
    (interface_declaration
      name: (_) @name
      body: (_) @body) @definition.class
    (enum_declaration
      name: (_) @name
      body: (_) @body) @definition.class
  ]
  (#match? @doc "^/\\*\\*"))

((comment) @doc
  .
  (export_statement
    declaration: [
      (function_declaration
        name: (_) @name
        body: (_) @body) @definition.function
      (generator_function_declaration
        name: (_) @name
        body: (_) @body) @definition.function
      (lexical_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (arrow_function
              body: (_) @body)
            (function_expression
              body: (_) @body)
            (generator_function
              body: (_) @body)
          ])) @definition.function
      (function_signature
        name: (_) @name) @definition.function
      (class_declaration
        name: (_) @name
        body: (_) @body) @definition.class
      (abstract_class_declaration
        name: (_) @name
        body: (_) @body) @definition.class
      (interface_declaration
        name: (_) @name
        body: (_) @body) @definition.class
      (enum_declaration
        name: (_) @name
        body: (_) @body) @definition.class
    ])
  (#match? @doc "^/\\*\\*"))

;; Documented: a run of `//` lines right before the definition
((comment)+ @doc
  .
  [
    (function_declaration
      name: (_) @name
      body: (_) @body) @definition.function
    (generator_function_declaration
      name: (_) @name
      body: (_) @body) @definition.function
    (lexical_declaration
      (variable_declarator
        name: (identifier) @name
        value: [
          (arrow_function
            body: (_) @body)
          (function_expression
            body: (_) @body)
          (generator_function
            body: (_) @body)
        ])) @definition.function
    (method_definition
      name: (_) @name
      body: (_) @body) @definition.method
    (abstract_method_signature
      name: (_) @name) @definition.method
    (method_signature
      name: (_) @name) @definition.method
    (function_signature
      name: (_) @name) @definition.function
    (class_declaration
      name: (_) @name
      body: (_) @body) @definition.class
    (abstract_class_declaration
      name: (_) @name
      body: (_) @body) @definition.class
    (interface_declaration
      name: (_) @name
      body: (_) @body) @definition.class
    (enum_declaration
      name: (_) @name
      body: (_) @body) @definition.class
  ]
  (#match? @doc "^//"))

((comment)+ @doc
  .
  (export_statement
    declaration: [
      (function_declaration
        name: (_) @name
        body: (_) @body) @definition.function
      (generator_function_declaration
        name: (_) @name
        body: (_) @body) @definition.function
      (lexical_declaration
        (variable_declarator
          name: (identifier) @name
          value: [
            (arrow_function
              body: (_) @body)
            (function_expression
              body: (_) @body)
            (generator_function
              body: (_) @body)
          ])) @definition.function
      (function_signature
        name: (_) @name) @definition.function
      (class_declaration
        name: (_) @name
        body: (_) @body) @definition.class
      (abstract_class_declaration
        name: (_) @name
        body: (_) @body) @definition.class
      (interface_declaration
        name: (_) @name
        body: (_) @body) @definition.class
      (enum_declaration
        name: (_) @name
        body: (_) @body) @definition.class
    ])
  (#match? @doc "^//"))
