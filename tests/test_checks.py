"""QA checks: every rule on real pairs of the 2021-02 fr-FR handoff, failing and passing, then the runner.

The pairs below are taken from the corpus (page in the comment) and shortened where the rest did not matter.
The passing cases include the false alarms other tools raise: a URL before `)`, a French decimal comma,
French spacing before `:` and `« »` quotes.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.checks import RULES, Finding, Level, Rule, check_pair, rules, run_checks, select_rules, typography
from tm.checks import names as name_rules
from tm.checks.markdown import MASK, _single_tick_spans, _tick_run_spans, code_spans, scan, strip_bare_url
from tm.errors import BadArgument
from tm.model import Catalog, Entry
from tm.page import parse_page

# (rule, source, target, a fragment of the expected message)
FAILING = [
    # visual-basic/misc/bc36639.md: MT glues two spans
    ("inline-code", "the `ByRef` parameter `n` is used in the lambda expression.",
     "le paramètre `ByRef``n` est utilisé dans l’expression lambda.", "glued together: `ByRef``n`"),
    # visual-basic/misc/bc40022.md
    ("inline-code", "`WithEvents` variable", "Variable", "code span missing: `WithEvents`"),
    ("inline-code", "Use the `async` modifier.", "Utilisez le modificateur `async.", "stray backtick"),
    ("inline-code", "Set `UpdateBatchSize` to 0.", "Affectez à `MiseAJourTaille` la valeur 0.",
     "changed: `UpdateBatchSize` → `MiseAJourTaille`"),
    # csharp/programming-guide/classes-and-structs/how-to-implement-and-call-a-custom-extension-method.md
    ("link-target", "Define a static [class](./static-classes-and-static-class-members.md) to contain it.",
     "Définissez une classe statiquepour la contenir.", "missing: ./static-classes-and-static-class-members.md"),
    # standard/serialization/system-text-json-configure-options.md: a lost bracket unmakes the link
    ("link-target", "There is a [JsonSerializerOptions constructor](xref:System.Text.Json.JsonSerializerOptions).",
     "Il existe un [constructeur JsonSerializerOptions] (XREF : System.Text.Json . JsonSerializerOptions).",
     "missing: xref:System.Text.Json.JsonSerializerOptions"),
    ("link-target", "See [Tiered compilation](https://github.com/dotnet/runtime/blob/master/tc.md).",
     "Voir [compilation hiérarchisée](https://github.com/dotnet/runtime/blob/master/tc.md.",
     "missing: https://github.com/dotnet/runtime/blob/master/tc.md"),
    # framework/wcf/feature-details/internet-information-services-hosting-best-practices.md
    ("link-target", "an IIS site binding of \\*:80:www.contoso.com for HTTP",
     "une liaison de site IIS de \\* : 80 : www. contoso. com pour http", "URL missing: www.contoso.com"),
    # fundamentals/code-analysis/style-rules/ide0079.md
    ("link-text", "This rule flags unnecessary [pragma](../preprocessor-pragma-warning.md) suppressions.",
     "Cette règle signale [](../preprocessor-pragma-warning.md) les suppressions de pragma inutiles.",
     "empty link text for ../preprocessor-pragma-warning.md"),
    # framework/unmanaged-api/hosting/loadstringrc-function.md
    ("brackets", "[in] Ignored.", "dans Pas.", "bracketed text lost: [in]"),
    ("brackets", "[out] The size, in bytes, of the returned `pbHash`.",
     "à Taille, en octets, du retourné `pbHash` .", "bracketed text lost: [out]"),
    ("brackets", "See [Tiered compilation](tc.md) for details.", "Voir [[compilation hiérarchisée](tc.md) pour plus.",
     "unbalanced or added"),
    # framework/data/adonet/performing-batch-operations-using-dataadapters.md
    ("xref", "Setting it to 0 will cause the <xref:System.Data.Common.DataAdapter> to use the largest batch size.",
     "Avec la valeur 0, l'objet utilise la taille de lot la plus grande.", "xref missing: System.Data.Common.DataAdapter"),
    ("xref", "Calls <xref:System.String.Format%2A?displayProperty=nameWithType>.",
     "Appelle <xref:System.String.Format%2A?displayProperty=fullName>.",
     "changed: System.String.Format%2A?displayProperty=nameWithType → System.String.Format%2A?displayProperty=fullName"),
    # framework/ui-automation/ui-automation-support-for-the-tab-control-type.md
    ("extension", "guidelines for [!INCLUDE[TLA2#tla_uiautomation](../../../includes/tla2sharptla-uiautomation-md.md)].",
     "recommandations pour les", "missing: [!INCLUDE (../../../includes/tla2sharptla-uiautomation-md.md)]"),
    # core/extensions/dependency-injection-usage.md
    ("extension", ':::code language="csharp" source="snippets/console-di/IScopedOperation.cs":::',
     '::: code Language = "CSharp" source = "extraits/console-di/I Scoped operation.cs"\xa0:::', "extension changed"),
    ("extension", "[!NOTE] Keep it short.", "[!REMARQUE] Restez bref.", "missing: [!NOTE]"),
    # framework/unmanaged-api/profiling/icorprofilerthreadenum-next-method.md: XLIFF markup left in the MT
    ("html-tag", "A pointer to the number of threads actually returned.",
     'Pointeur vers le nombre de threads<bpt i="1000001" x="1000001" type="formatting">{b&gt;</bpt> retournés.',
     'HTML tag not in source: <bpt i="1000001" x="1000001" type="formatting">'),
    ("html-tag", "Press <kbd>Ctrl</kbd>+<kbd>F5</kbd>.", "Appuyez sur <kbd>Ctrl</kbd>+F5.", "HTML tag missing: <kbd>"),
    ("html-tag", 'Select the <span class="docon docon-more"></span> icon.', "Sélectionnez l’icône.",
     'missing: <span class="docon docon-more">'),
    # csharp/programming-guide/strings/index.md
    ("entity", 'example: `\\U0001F47D` = "&#x1F47D;")', 'exemple\xa0: `\\U0001F47D` = "& # x1F47D\xa0;")',
     "entity missing: &#x1F47D;"),
    ("entity", "`a` &#124; `b`", "`a` | `b`", "entity missing: &#124;"),
    ("entity", "This method is not intended to be used.", "Cette m& #233 ;thode n'est pas destinée.",
     "entity spaced apart: & #233 ;"),
    # framework/configure-apps/file-schema/configuration-sections-schema.md
    ("emphasis", "**\\<sectionGroup>** for **\\<configSections>**", "**\\<sectionGroup>** pour**\\<configSections>**",
     "4 unpaired emphasis marker(s)"),
    ("emphasis", "communication _stacks_.", "les _piles_de communication.", "1 unpaired"),
    ("emphasis", "Select **OK**.", "Sélectionnez ** OK**.", "2 unpaired"),
    # framework/tools/lc-exe-license-compiler.md
    ("emphasis-count", "**@** *file*", "\\**@\\*\\*\\*fichier*", "2 emphasis span(s) in source, 1 in target"),
    # csharp/whats-new/csharp-version-history.md and others
    ("version-number", "C# 7.3:", "C# 7,3\xa0:", "version 7.3 written as 7,3"),
    ("version-number", "For projects that target .NET 5.0 or later.", "Pour les projets qui ciblent .NET 5,0 ou version ultérieure.",
     "version 5.0 written as 5,0"),
    ("version-number", "types that target .NET Framework versions 1.0 and 1.1.",
     "les types qui ciblent les versions de .NET Framework 1,0 et 1,1.", "version 1.1 written as 1,1"),
    ("version-number", "supported in Visual Studio 2019 version 16.8 and later",
     "pris en charge dans Visual Studio 2019 version 16,8 et versions ultérieures", "version 16.8"),
    ("version-number", "Versions earlier than TLS 1.2 are less secure.", "Les versions antérieures à TLS 1,2 sont moins sûres.",
     "version 1.2"),
    # framework/windows-workflow-foundation/1011-scheduleexecuteactivityworkitem.md
    ("number", "1011", "1010", "number changed: 1011 → 1010"),
    ("number", "When implementing it you are responsible for 3 things:", "Vous êtes chargé de trois opérations :",
     "number missing: 3"),
    # framework/wcf/diagnostics/etw/3804-routingservicecreatingclientforendpoint.md
    ("placeholder", "The Routing Service is creating a client for endpoint: '%1'.",
     "Le service de routage crée un client pour le point de terminaison\xa0: «\xa01%\xa0».", "placeholder missing: %1"),
    ("placeholder", "Default is '/tmp/coredump.%p' where %p is the process ID.",
     "La valeur par défaut est «\xa0/tmp/coredump.%p\xa0», où% p est l’ID de processus.", "placeholder missing: %p"),
    ("placeholder", "Item {0} of {1}", "Élément {0} de {2}", "changed: {1} → {2}"),
    # framework/windows-workflow-foundation/106-cancelrequestrecord.md
    ("placeholder", "ChildActivityInstanceId = %10, Annotations=%12", "ChildActivityInstanceId =% 10, Annotations=%12",
     "placeholder missing: %10"),
    # framework/wcf/feature-details/uritemplate-and-uritemplatetable.md
    ("named-placeholder", '"{shoe}/boat"', '"{chaussure}/bateau"', "changed: {shoe} → {chaussure}"),
    ("whitespace", "No", "Non ", "trailing whitespace '' → ' '"),
    ("whitespace", "Example", "\xa0Exemple", "leading whitespace"),
    ("untranslated", "The list is not empty.", "The list is not empty.", "untranslated"),
    ("empty", "The list is not empty.", "", "empty translation"),
    ("empty", "Example", " ", "empty translation"),
    # MT's spacing around code spans, elision, escaped tags, numbers in other languages (issue 17)
    ("code-glued", "`Decimal` is not a floating-point data type.", "`Decimal`n’est pas un type de données à virgule flottante.",
     "code span glued to a word: `Decimal`n"),
    ("code-glued", "Use the `Find-DscResource` cmdlet.", "Utilisez l’applet de commande `Find-DscResource`applet.",
     "glued to a word: `Find-DscResource`applet"),
    ("code-glued", "`Option Strict` statements", "Les instructions`Option Strict`", "glued to a word: instructions`Option Strict`"),
    ("code-glued", "Use `X` here.", "Verwenden Sie `X`hier.", "`X`hier"),
    ("code-spacing", "Pipe it to `Format-Table`.", "Redirigez-le vers `Format-Table` .", "space before '.' after `Format-Table`"),
    ("code-spacing", "operations (`Add` and `Multiply`), where", "opérations ( `Add` et `Multiply` ), où",
     "space after '(' before `Add`"),
    ("code-spacing", "the `Public` and `Shared` keywords, and", "les mots clés `Public` et `Shared` , et", "before ','"),
    ("elision", "The `New-Object` cmdlet creates it.", "L' `New-Object` applet de commande le crée.",
     "elision spaced from its code span: L' `New-Object`"),
    ("elision", "Includes a host for the Blazor app.", "Comprend un hôte pour l' Blazor application.",
     "elision spaced from its word: l' Blazor"),
    ("escaped-tag", "Add the `name` attribute to the \\<add> element.", "Ajoutez l’attribut `name` à l’élément.",
     "escaped tag missing: \\<add>"),
    ("escaped-tag", "The \\<namedCaches> element", "L’élément \\<namedCaches", "escaped tag not closed: \\<namedCaches"),
    ("escaped-tag", "Begin\\<methodName> and End\\<methodName>", "Begin\\<methodName > et de fin\\<methodName >",
     "escaped tag missing: \\<methodName>"),
    ("escaped-tag", "\\<requestCaching> Element", "\\<demandeCaching> Element",
     "escaped tag changed: \\<requestCaching> → \\<demandeCaching>"),
    # German: the version rule is the same, its context may be the target's
    ("version-number", "Starting with C# 7.0, you can", "Ab C# 7,0 können Sie", "version 7.0 written as 7,0"),
    ("version-number", "This API is new in 4.6.", "Diese API ist neu in .NET Framework 4,6.", "version 4.6 written as 4,6"),
    ("version-number", "Install 4.6.1 or later.", "Installieren Sie 4,6,1 oder höher.", "version 4.6.1 written as 4,6,1"),
    ("version-number", "C# 7.3 in Visual Studio", "C# 7,3 in Visual Studio", "version 7.3"),
    ("version-number", "This API is new in 4.6.", "Esta API es nueva en la versión 4,6.", "version 4.6 written as 4,6"),
    ("decimal-comma", "It needs 3.5 GB of disk space.", "It needs 3,5 GB of disk space.", "decimal 3.5 written as 3,5"),
    # pofilter's puncspacing, sentencecount, functions and options find these too
    ("plain-name", "**Header:** Fusion.h", "**En-tête :** Fusion. h", "name not kept: Fusion.h"),
    ("plain-name", "Consider the following *appsettings.json* file:", "Prenez en compte les *appsettings.jssuivantes sur* le fichier :",
     "name not kept: appsettings.json"),
    ("plain-name", "The Dispose() method", "La méthode Dispose ()", "name not kept: Dispose()"),
    ("plain-name", "The **-all** option forces it.", "L’option **-All** le force.", "name not kept: -all"),
    ("plain-name", "types of ASP.NET Core projects", "types de projets ASP.net Core", "name not kept: ASP.NET"),
    ("untranslated", "How to: Define a Conversion Operator (Visual Basic)", "How to: Define a Conversion Operator (Visual Basic)",
     "untranslated"),
    ("code-spacing", "(including `Default` properties).", "(notamment les propriétés `Default` ).", "before ')'"),
]

# The language of the target for rules that depend on it (French otherwise).
LANGUAGE = {"decimal-comma": "en-US"}

# (rule, source, target): the rule must find nothing
PASSING = [
    # csharp/properties.md: MT reorders and spaces around spans; spans themselves intact
    ("inline-code", "The `get` accessor must return the type of the property (`string` in this example).",
     "L’accesseur `get` doit retourner le type de la propriété (`string`, dans cet exemple)."),
    ("inline-code", "If the file is opened for binary access, use `Seek` and `Loc`.",
     "Si le fichier est ouvert pour un accès binaire, utilisez `Loc` et `Seek` ."),
    ("inline-code", "Use ``a`b`` here", "Utilisez ``a`b`` ici"),
    ("inline-code", "The \\` character", "Le caractère \\`"),
    # core/whats-new/dotnet-core-3-0.md
    ("link-target",
     ("[Tiered compilation](https://github.com/dotnet/runtime/blob/master/docs/design/features/tiered-compilation.md)"
      " (TC) is on by default."),
     ("La [compilation hiérarchisée](https://github.com/dotnet/runtime/blob/master/docs/design/features/"
      "tiered-compilation.md) est activée par défaut.")),
    # the pofilter false alarm: a bare URL followed by `)` and `.`
    ("link-target", "(For details, see https://docs.microsoft.com/dotnet/core/whats-new/dotnet-5.)",
     "(Pour plus d’informations, consultez https://docs.microsoft.com/dotnet/core/whats-new/dotnet-5 ).",),
    ("link-target", "See https://en.wikipedia.org/wiki/Lp_space_(norm).", "Voir https://en.wikipedia.org/wiki/Lp_space_(norm)."),
    ("link-target", "visit <https://azure.microsoft.com/services/devops/pipelines>",
     "visitez <https://azure.microsoft.com/services/devops/pipelines>"),
    # standard/serialization/how-to-serialize-an-object-as-a-soap-encoded-xml-stream.md: the target adds a bare URL
    ("link-target", "conforms to [section 5 of the SOAP document](https://www.w3.org/TR/2000/NOTE-SOAP-20000508/).",
     "est conforme à la [section 5 du document SOAP (www.w3.org)](https://www.w3.org/TR/2000/NOTE-SOAP-20000508/)."),
    ("link-target", "![Embedded image](./media/image.PNG \"Image\") is embedded.",
     "![Image incorporée](./media/image.PNG \"Image\") est incorporée."),
    ("link-text", "A user-defined [==](equality-operators.md#equality-operator-) operator",
     "Un opérateur [==](equality-operators.md#equality-operator-) défini par l’utilisateur"),
    ("link-text", "[![Build status](badge.svg)](https://ci.example.org)", "[![État de la build](badge.svg)](https://ci.example.org)"),
    ("brackets", "[in] A pointer to the object.", "[in] Pointeur vers l’objet."),
    ("brackets", "This rule flags unnecessary [pragma](pragma.md) suppressions.", "Cette règle signale les [pragma](pragma.md)."),
    ("xref", "❌ DO NOT explicitly throw <xref:System.OutOfMemoryException>.",
     "❌ NE levez pas explicitement <xref:System.OutOfMemoryException> ."),
    ("xref", "<xref:System.String> and <xref:System.Int32?displayProperty=nameWithType>",
     "<xref:System.Int32?displayProperty=nameWithType> et <xref:System.String>"),
    # the include's [name] is free text; only its path counts
    ("extension", "[!INCLUDE [net-core-5](~/includes/net-core-5.md)] supports it.",
     "[!INCLUDE[.NET Core 5](~/includes/net-core-5.md)] le prend en charge."),
    # architecture/.../docker-application-outer-loop-devops-workflow.md: [!INFORMATION] is no extension
    ("extension", "[!INFORMATION] To read more, visit these sites:", "[!INFORMATIONS] Pour en savoir plus, consultez :"),
    ("html-tag", "Press <kbd>Ctrl</kbd>+<kbd>F5</kbd>.<br/>", "Appuyez sur <kbd>Ctrl</kbd>+<kbd>F5</kbd>.<br />"),
    # framework/configure-apps/file-schema/wcf/enablewebscript.md: escaped brackets are text, not tags
    ("html-tag", "the [\\<webHttpBinding>](webhttpbinding.md) standard binding",
     "la liaison standard [\\<webHttpBinding>](webhttpbinding.md)"),
    ("html-tag", "the <xref:System.Activities.Activity%601><bool\\> with", "le <xref:System.Activities.Activity%601><bool \\> avec"),
    ("entity", "A&nbsp;B &mdash; C", "A\xa0B — C"),
    # framework/unmanaged-api/hosting/itypename-getnamecount-method.md: entities for letters render as letters
    ("entity", "This method is not intended to be used directly.", "Cette m&#233;thode n'est pas destin&#233;e &#224; &#234;tre utilis&#233;e."),
    ("emphasis", "Go to the **Projects** tab and select **DelayActivityTemplate**.",
     "Accédez à l’onglet **projets** et sélectionnez **DelayActivityTemplate**."),
    # French typography: space before `:`, « » quotes next to markers
    ("emphasis", "**Note:** see *this*.", "**Remarque\xa0:** voir «\xa0*ceci*\xa0»."),
    ("emphasis", "**.NET Framework Versions:** [!INCLUDE[net_current_v20plus](../net-current-v20plus-md.md)]",
     "**Versions de .NET Framework :**[!INCLUDE[net_current_v20plus](../net-current-v20plus-md.md)]"),
    ("emphasis", "Use `my_var` and https://x.org/a_b_ and my_snake_case.", "Utilisez `my_var`, https://x.org/a_b_ et my_snake_case."),
    ("emphasis", "The \\*.vbproj file", "Le fichier \\*.vbproj"),
    # spark/tutorials/hdinsight-deployment.md: a split file name is no emphasis defect
    ("emphasis", "microsoft-spark-2-4_2.11-1.0.0.jar", "Microsoft-Spark-2-4_ 2.11-1.0.0. jar"),
    ("emphasis-count", "Select **OK** or **Cancel**.", "Sélectionnez **OK** ou **Annuler**."),
    # French decimals and numbers that are no versions
    ("version-number", "The area of a circle whose radius is 2.50 centimeters.",
     "La surface d’un cercle avec un rayon de 2,50 centimètres."),
    ("version-number", "It needs 3.5 GB of disk space.", "Il faut 3,5 Go d’espace disque."),
    ("version-number", "WF4 is using almost 17.2% less memory.", "WF4 utilise presque 17,2 % moins de mémoire."),
    ("version-number", "In C# 7.0 and later", "Dans C# 7.0 et versions ultérieures"),
    ("number", "A 10,000 foot view in 3.5 seconds", "Une vue à 10 000 pieds en 3,5 secondes"),
    ("number", "Use `v1` with <xref:System.Int32> and port 8080.", "Utilisez `v1` avec <xref:System.Int32> et le port 8080."),
    ("placeholder", "Note the percent-encoded slash in the Uri (%2F).", "Notez la barre oblique encodée en pourcentage (%2F)."),
    ("placeholder", "It runs 50% faster than `printf(\"%s\")`.", "Il s’exécute 50 % plus vite que `printf(\"%s\")`."),
    ("placeholder", "SessionId:%1 reconnecting.", "SessionId\xa0: reconnexion de %1."),
    ("named-placeholder", "in *appsettings.{Environment}.json*", "dans *appsettings.{Environment}.json*"),
    ("whitespace", " Example ", " Exemple "),
    ("whitespace", "Note:", "Remarque\xa0:"),
    ("untranslated", "Windows Workflow Foundation (WF)", "Windows Workflow Foundation (WF)"),
    ("untranslated", "dotnet tool run", "dotnet tool run"),
    ("untranslated", "The list is not empty.", "La liste n’est pas vide."),
    ("empty", "Example", "Exemple"),
    ("empty", "", ""),
    # German compounds, French elision against the span, a plural the source glues too, Japanese
    ("code-glued", "Set the `Name` property.", "Legen Sie die `Name`-Eigenschaft fest."),
    ("code-glued", "The `Const` statement", "L’instruction `Const`"),
    ("code-glued", "An array of `int`s", "Un tableau d’`int`s"),
    ("code-glued", "Use `a` or `b`", "Utilisez `a` ou l’`b`"),
    ("code-spacing", "Why use `async`? Use `x`: it is `Main`.", "Pourquoi utiliser `async`\xa0? Utilisez `x`\xa0: c’est `Main`."),
    ("code-spacing", "From `try`...`finally` to `dotnet` .NET tools", "De `try` ... `finally` aux outils `dotnet` .NET"),
    ("elision", "The `using` statement", "L’instruction `using` et l’`using`"),
    ("elision", "The 'd' format", "Le format 'd' ou 'l'"),
    ("escaped-tag", "the [\\<webHttpBinding>](webhttpbinding.md) binding, \\<user\\>",
     "la liaison [\\<webHttpBinding>](webhttpbinding.md), \\<user\\>"),
    ("escaped-tag", "Use `\\<x` in code", "Utilisez `\\<y` dans le code"),
    ("escaped-tag", "\\<= (Less Than or Equal To) (Entity SQL)", "\\<= (Inférieur ou égal à) (Entity SQL)"),
    ("decimal-comma", "Version 2.5 of 10,000 rows", "Version 2.5 of 10,000 rows"),
    ("plain-name", "Use it, e.g. in `a.b` or [x.md](x.md), for COM-based apps.", "Utilisez-le, par ex. dans `a.b` ou [x.md](x.md)."),
    ("plain-name", "Run `dotnet` with *global.json* and Main().", "Exécutez `dotnet` avec *global.json* et Main()."),
    # a hyphen after emphasis that closes is a compound, not an option (real pairs of the 2021-02 handoff)
    ("plain-name", "The property for an **Application**-scope setting is read-only.",
     "La propriété d’un paramètre de portée **Application** est en lecture seule."),
    ("plain-name", "Preview 2 *project.json*-based projects.", "Projets basés sur *project.json* de la préversion 2."),
    ("plain-name", "Strings are *immutable*--the contents cannot change.",
     "Les chaînes sont *immuables* : le contenu ne peut pas changer."),
    # the source's missing space after a full stop, which the translation fixes
    ("plain-name", "Sometimes the data is not sufficient to train a model.This is especially true with small datasets.",
     ("Parfois, les données ne suffisent pas pour former un modèle. Cela est particulièrement vrai pour les petits "
      "jeux de données.")),
]


def _rule(name: str) -> Rule:
    return select_rules([name])[0]


@pytest.mark.parametrize(("name", "source", "target", "expected"), FAILING)
def test_rule_finds_the_breakage(name: str, source: str, target: str, expected: str) -> None:
    found = list(_rule(name)(source, target))
    assert any(expected in message for message in found), found
    language = LANGUAGE.get(name, "fr-FR")
    assert [m for r, m in check_pair(source, target, language=language) if r.name == name] == found  # dispatched


@pytest.mark.parametrize(("name", "source", "target"), PASSING)
def test_rule_passes_a_good_pair(name: str, source: str, target: str) -> None:
    assert list(_rule(name)(source, target)) == []
    assert [m for r, m in check_pair(source, target, language=LANGUAGE.get(name, "fr-FR")) if r.name == name] == []


@pytest.mark.parametrize(
    ("rule", "source", "target", "language", "found"),
    [
        ("elision", "The `New-Object` cmdlet", "L' `New-Object` applet", "fr_FR", True),
        ("elision", "The `New-Object` cmdlet", "L' `New-Object` applet", "de-DE", False),
        ("elision", "The `New-Object` cmdlet", "L' `New-Object` applet", "", False),
        ("code-glued", "Use `x` here.", "`x`を使用します。", "ja-JP", False),
        ("code-glued", "Use `x` here.", "Verwenden Sie `x`hier.", "de-DE", True),
        ("code-glued", "Use `x` here.", "Verwenden Sie `x`hier.", "", True),
        ("decimal-comma", "It needs 3.5 GB.", "3,5 GB が必要です。", "ja", True),
        ("decimal-comma", "It needs 3.5 GB.", "Es braucht 3,5 GB.", "de-DE", False),
        ("decimal-comma", "It needs 3.5 GB.", "Il faut 3,5 Go.", "fr", False),
    ],
)
def test_rules_for_some_languages_run_only_on_those(rule: str, source: str, target: str, language: str,
                                                    found: bool) -> None:
    assert any(r.name == rule for r, _ in check_pair(source, target, language=language)) is found
    catalog = Catalog(entries=[Entry("a-1", source, target, fuzzy=True, line=3)], locale=language)
    assert any(f.rule == rule for f in run_checks(catalog, path="p")) is found


def test_every_rule_has_failing_and_passing_cases() -> None:
    names = {r.name for r in RULES}
    assert {case[0] for case in FAILING} == names
    assert {case[0] for case in PASSING} == names


@pytest.mark.parametrize(
    ("source", "target"),
    [
        # URL followed by `)`: translate-toolkit's pofilter reports this one
        ("(see https://docs.microsoft.com/azure/)", "(voir https://docs.microsoft.com/azure/)"),
        ("Install it (https://dot.net/core).", "Installez-le (https://dot.net/core)."),
        # French decimal comma and thousands separator
        ("The file is 3.5 GB and holds 10,000 rows.", "Le fichier fait 3,5 Go et contient 10\u202f000 lignes."),
        # French spacing before : ; ! ? and « » quotes
        ('**Note:** Use "Debug" mode; then run it!', "**Remarque\xa0:** Utilisez le mode «\xa0Debug\xa0»\xa0; puis exécutez-le\xa0!"),
        ("Why use `async`?", "Pourquoi utiliser `async`\xa0?"),
    ],
)
def test_french_typography_and_urls_raise_no_alarm(source: str, target: str) -> None:
    assert check_pair(source, target) == ()


# --- the Markdown helpers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spans", "prose"),
    [
        ("the `async` `Main` method", ("async", "Main"), f"the {MASK} {MASK} method"),
        ("la `async``Main`méthode`", ("async``Main",), f"la {MASK}méthode`"),
        ("odd ` tick", (), "odd ` tick"),
        ("``a`b`` and ` x `", ("a`b", "x"), f"{MASK} and {MASK}"),
        ("\\`not code` but `code`", ("but",), f"\\`not code{MASK}code`"),
        ("`C:\\` dir", ("C:\\",), f"{MASK} dir"),
    ],
)
def test_code_spans_pair_runs_of_equal_length(text: str, spans: tuple[str, ...], prose: str) -> None:
    assert code_spans(text) == (spans, prose)


@given(st.text(alphabet="`a \\\n", max_size=30).filter(lambda t: "``" not in t and "\\`" not in t))
@settings(derandomize=True, max_examples=300)
def test_single_tick_fast_path_agrees_with_the_general_scan(text: str) -> None:
    assert _single_tick_spans(text) == _tick_run_spans(text)


@pytest.mark.parametrize(
    ("url", "bare"),
    [
        ("https://x.org/a).", "https://x.org/a"),
        ("https://en.wikipedia.org/wiki/Lp_(space)", "https://en.wikipedia.org/wiki/Lp_(space)"),
        ("https://x.org/a_(b)),", "https://x.org/a_(b)"),
        ("www.contoso.com.", "www.contoso.com"),
    ],
)
def test_bare_urls_drop_trailing_punctuation(url: str, bare: str) -> None:
    assert strip_bare_url(url) == bare


def test_scan_masks_every_construct_it_records() -> None:
    found = scan(
        "See [the docs](https://x.org/a_(b)) and <xref:System.String>, `a_b`, <br/>, &nbsp;, https://y.org, "
        "[!INCLUDE [x](~/includes/x.md)] and ![img](a.png)."
    )
    assert found.code == ("a_b",)
    assert [(link.dest, link.image) for link in found.links] == [("https://x.org/a_(b)", False), ("a.png", True)]
    assert found.xrefs == ("System.String",)
    assert found.urls == ("https://y.org",)
    assert found.tags == ("<br>",)
    assert found.entities == ("&nbsp;",)
    assert found.extensions == ("[!INCLUDE (~/includes/x.md)]",)
    assert "_" not in found.prose and "https" not in found.prose


@given(st.text(alphabet="ab `*_[]()<>&;:/.,!{}%0123456789\\ \xa0", max_size=40))
@settings(derandomize=True, max_examples=500)
def test_a_pair_of_equal_texts_only_ever_looks_untranslated(text: str) -> None:
    assert {r.name for r, _ in check_pair(text, text)} <= {"untranslated"}


# --- registry, findings, runner ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "parsed"),
    [  # real sources of the 2021-02 handoff: dots only in xrefs, link targets and URLs spare the parse
        ("Use the <xref:System.String.Format%2A?displayProperty=nameWithType> method.", False),
        ("See [Get started](../core/get-started.md) and https://dotnet.microsoft.com/download.", False),
        ("See [the blog](https://devblogs.microsoft.com/dotnet/a.b) or `System.IO`.", False),
        ("Note that you cannot use net.msmq:// addressing with `MsmqIntegrationBinding`.", True),
        ("For example, **/lis** is equivalent to **/listing** and **/res**:myresfile.res is equivalent.", True),
        ("The *Winhttpcertcfg.exe* tool is provided with the Resource Kit.", True),
        ("Only bindings that support xref:System.ServiceModel.Channels.IReplyChannel> will be supported.", True),
        ("**sqlmetal /server:myserver /dbml:mymeta.dbml**", True),
    ],
)
def test_plain_name_parses_a_source_only_where_a_name_may_be(source: str, parsed: bool) -> None:
    assert name_rules._may_name(source, "") is parsed
    assert bool(name_rules._plain_names(source)) is parsed  # the gate never hides a name


def test_rules_are_registered_once_in_order_with_codes_and_help() -> None:
    names = [r.name for r in RULES]
    codes = [r.code for r in RULES]
    assert len(set(names)) == len(names) and len(set(codes)) == len(codes)
    assert codes == sorted(codes) and all(c.startswith("TM2") for c in codes)
    assert all(r.help and r.help.endswith(".") for r in RULES)
    defined = {value for module in (rules, typography, name_rules) for value in vars(module).values() if isinstance(value, Rule)}
    assert defined == set(RULES)


def test_public_names_are_sorted_and_exist() -> None:
    import tm.checks
    import tm.checks.markdown
    import tm.checks.registry

    def isort_style(name: str) -> tuple[int, str]:  # constants, then classes, then functions (ruff RUF022)
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    for module in (tm.checks, rules, typography, name_rules, tm.checks.registry, tm.checks.markdown):
        assert module.__all__ == sorted(module.__all__, key=isort_style)
        assert all(hasattr(module, name) for name in module.__all__)


def test_error_rules_are_the_precise_ones() -> None:
    errors = {r.name for r in RULES if r.level is Level.ERROR}
    assert {"inline-code", "link-target", "xref", "version-number", "placeholder"} <= errors
    assert not {"number", "whitespace", "untranslated", "emphasis-count", "named-placeholder"} & errors


def test_select_rules_by_name_or_code_and_unknown_ones_are_bad_arguments() -> None:
    assert [r.name for r in select_rules(["TM201", "xref"])] == ["inline-code", "xref"]
    assert "number" not in {r.name for r in select_rules(ignore=["number"])}
    assert all(r.level is Level.ERROR for r in select_rules(min_level=Level.ERROR))
    with pytest.raises(BadArgument, match="unknown check 'spelling'"):
        select_rules(["spelling"])
    with pytest.raises(BadArgument):
        select_rules(ignore=["TM999"])


def _catalog() -> Catalog:
    return Catalog(
        entries=[
            Entry("a-101", "Use `x`.", "Utilisez `x`.", fuzzy=True, line=20),
            Entry("a-102", "In C# 7.0.", "Dans C# 7,0.", fuzzy=True, line=25),
            Entry("a-103", "Example", "", line=30),
            Entry("a-104", "In C# 8.0.", "Dans C# 8,0.", obsolete=True, line=35),
            Entry("a-105", "No", "Non ", fuzzy=False, line=40),
        ]
    )


def test_run_checks_reports_active_entries_with_their_place() -> None:
    findings = run_checks(_catalog(), path="fr-FR/csharp/index.po")
    assert [(f.id, f.rule, f.line, f.fuzzy) for f in findings] == [
        ("a-102", "version-number", 25, True),
        ("a-103", "empty", 30, False),
        ("a-105", "whitespace", 40, False),
    ]
    assert findings[0] == Finding(
        path="fr-FR/csharp/index.po", line=25, id="a-102", rule="version-number", code="TM211",
        level=Level.ERROR, message="version 7.0 written as 7,0", fuzzy=True,
    )


def test_run_checks_filters_rules_and_levels() -> None:
    catalog = _catalog()
    assert [f.rule for f in run_checks(catalog, path="p", min_level=Level.ERROR)] == ["version-number"]
    assert [f.rule for f in run_checks(catalog, path="p", rules=["empty", "TM215"])] == ["empty", "whitespace"]
    assert [f.rule for f in run_checks(catalog, path="p", ignore=["version-number"])] == ["empty", "whitespace"]


def test_finding_to_json_is_plain_data() -> None:
    finding = run_checks(_catalog(), path="p.po")[0]
    data = finding.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["level"] == "error" and data["code"] == "TM211" and data["fuzzy"] is True


# --- the real corpus --------------------------------------------------------------------------------------------

KNOWN = [
    ("docs/csharp/whats-new/csharp-version-history.md", "version-number", "version 7.3 written as 7,3"),
    ("docs/visual-basic/misc/bc36639.md", "inline-code", "glued together: `ByRef``n`"),
    ("docs/framework/unmanaged-api/hosting/loadstringrc-function.md", "brackets", "[in]"),
    ("docs/framework/ui-automation/obtaining-ui-automation-elements.md", "xref", "RawViewCondition"),
    ("docs/framework/wcf/diagnostics/etw/3804-routingservicecreatingclientforendpoint.md", "placeholder", "%1"),
]


@pytest.mark.corpus
@pytest.mark.parametrize(("relpath", "rule", "expected"), KNOWN)
def test_known_breakages_of_the_handoff_are_found(corpus_repo: Path, relpath: str, rule: str, expected: str) -> None:
    text = subprocess.run(
        ["git", "-C", str(corpus_repo), "show", f"sxs:{relpath}"], capture_output=True, check=True
    ).stdout.decode("utf-8-sig")
    page = parse_page(relpath, text).page
    catalog = Catalog(entries=[Entry(p.id, p.source, p.target, fuzzy=True, line=p.line) for p in page.pairs])
    messages = [f.message for f in run_checks(catalog, path=relpath, rules=[rule])]
    assert any(expected in m for m in messages), messages
