#Requires -Version 7.2
<#
.SYNOPSIS
Generates the module's MAML help file from docs/commands/*.md and the real command metadata.

.DESCRIPTION
Imports the built module and, for every exported cmdlet or function, combines:

- from the markdown (docs/commands/<Command-Name>.md, platyPS layout): synopsis, description,
  examples, parameter descriptions, parameter default values (optional yaml block), inputs,
  outputs, notes, related links;
- from Get-Command: syntax (one item per parameter set, default set first), parameter types,
  required-ness, positions, pipeline input, aliases and wildcard support.

Throws, listing every problem, when a command has no markdown file, a markdown file has no
command, a parameter is undocumented or documented but does not exist, or a synopsis,
description or example is missing. Nothing is written in that case.

Run it in a child process (pwsh -NoProfile -File ...): it imports the module's DLLs.

.EXAMPLE
pwsh -NoProfile -File build/New-MamlHelp.ps1 -ModuleManifest out/SharedMigrations/SharedMigrations.psd1 -MarkdownPath docs/commands -OutputPath out/SharedMigrations/en-US/SharedMigrations.Cmdlets.dll-Help.xml
#>
[CmdletBinding()]
param(
    # Manifest (.psd1) of the built module.
    [Parameter(Mandatory)]
    [string] $ModuleManifest,

    # Folder with one <Command-Name>.md per command. README.md and about_*.md are skipped.
    [Parameter(Mandatory)]
    [string] $MarkdownPath,

    # Path of the MAML file to write, e.g. <module>/en-US/SharedMigrations.Cmdlets.dll-Help.xml.
    [Parameter(Mandatory)]
    [string] $OutputPath
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ErrorView = 'NormalView'   # keep the one-problem-per-line failure message readable

# Excluded from the help's parameter list (Get-Help adds the CommonParameters note by itself).
$script:CommonParameterNames = @(
    'Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction',
    'ErrorVariable', 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable'
)

# Documented like platyPS does when the command SupportsShouldProcess (the md may override the text).
$script:ShouldProcessDescriptions = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

$script:Ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

#region Markdown -> objects

function Split-MarkdownDocument {
    # Splits markdown lines into front matter, the H1 title and H2 sections (each with its own
    # lines and H3 subsections). Lines inside fenced code blocks are never taken as headings.
    param([string[]] $Lines)

    $frontMatter = @{}
    $start = 0
    if ($Lines.Count -gt 0 -and $Lines[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $Lines.Count; $i++) {
            if ($Lines[$i].Trim() -eq '---') { $start = $i + 1; break }
            if ($Lines[$i] -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $frontMatter[$Matches[1]] = $Matches[2] }
        }
    }

    $title = $null
    $sections = [ordered]@{}
    $currentLines = [System.Collections.Generic.List[string]]::new()   # lines before any H2 are dropped
    $fence = $null
    for ($i = $start; $i -lt $Lines.Count; $i++) {
        $line = $Lines[$i]
        if ($fence) {
            if ($line -match "^\s*$([regex]::Escape($fence))+\s*$") { $fence = $null }
        }
        elseif ($line -match '^\s*(```+|~~~+)') {
            $fence = $Matches[1]
        }
        elseif ($line -match '^(#{1,3})\s+(.*?)\s*#*\s*$') {
            $level = $Matches[1].Length
            $text = $Matches[2]
            if ($level -eq 1) {
                if ($null -eq $title) { $title = $text }
                $currentLines = [System.Collections.Generic.List[string]]::new()
                continue
            }
            if ($level -eq 2) {
                $key = $text.ToUpperInvariant()
                if (-not $sections.Contains($key)) {
                    $sections[$key] = [pscustomobject]@{
                        Lines       = [System.Collections.Generic.List[string]]::new()
                        Subsections = [System.Collections.Generic.List[object]]::new()
                    }
                }
                $currentLines = $sections[$key].Lines
                continue
            }
            if ($sections.Count -gt 0) {
                $sub = [pscustomobject]@{ Title = $text; Lines = [System.Collections.Generic.List[string]]::new() }
                $sections[$sections.Count - 1].Subsections.Add($sub)
                $currentLines = $sub.Lines
                continue
            }
        }
        $currentLines.Add($line)
    }

    [pscustomobject]@{ FrontMatter = $frontMatter; Title = $title; Sections = $sections; UnclosedFence = [bool]$fence }
}

function ConvertTo-MarkdownBlock {
    # Turns lines into blocks: Paragraph (blank-line separated text; soft line breaks become
    # spaces, list items and hard breaks start a new line) or Code (fenced, verbatim, with its
    # info string).
    param([string[]] $Lines)

    $blocks = [System.Collections.Generic.List[object]]::new()
    $paragraph = [System.Collections.Generic.List[string]]::new()   # one entry per output line
    $newLine = $true
    $code = $null
    $fence = $null
    $language = ''

    $flush = {
        if ($paragraph.Count -gt 0) {
            $blocks.Add([pscustomobject]@{ Kind = 'Paragraph'; Language = ''; Text = ($paragraph -join "`n") })
            $paragraph.Clear()
        }
        $newLine = $true
    }

    foreach ($line in $Lines) {
        if ($fence) {
            if ($line -match "^\s*$([regex]::Escape($fence))+\s*$") {
                $blocks.Add([pscustomobject]@{ Kind = 'Code'; Language = $language; Text = ($code -join "`n") })
                $fence = $null
            }
            else {
                $code.Add($line)
            }
        }
        elseif ($line -match '^\s*(```+|~~~+)\s*([^\s`]*)') {
            . $flush
            $fence = $Matches[1]
            $language = $Matches[2].ToLowerInvariant()
            $code = [System.Collections.Generic.List[string]]::new()
        }
        elseif ($line.Trim() -eq '') {
            . $flush
        }
        else {
            $text = $line.Trim() -replace '\\$', ''
            if ($newLine -or $line -match '^\s*([-*+]|\d+[.)])\s+') { $paragraph.Add($text) }
            else { $paragraph[$paragraph.Count - 1] += " $text" }
            $newLine = $line -match '(  |\\)$'   # markdown hard line break
        }
    }
    if ($fence) {
        # Unclosed fence: keep what was there rather than losing it.
        $blocks.Add([pscustomobject]@{ Kind = 'Code'; Language = $language; Text = ($code -join "`n") })
    }
    . $flush
    , $blocks
}

function Get-Paragraph {
    # Text of the blocks as help paragraphs; code blocks stay verbatim, yaml metadata blocks and
    # platyPS placeholders ("{{ Fill in the Description }}") are dropped.
    param($Blocks)

    @($Blocks |
        Where-Object { $null -ne $_ -and -not ($_.Kind -eq 'Code' -and $_.Language -eq 'yaml') } |
        ForEach-Object Text |
        Where-Object { $_.Trim() -and $_.Trim() -notmatch '^\{\{.*\}\}$' })
}

function Read-CommandMarkdown {
    # Reads one <Command-Name>.md into the pieces of help the markdown owns.
    param([System.IO.FileInfo] $File)

    $doc = Split-MarkdownDocument -Lines @(Get-Content -LiteralPath $File.FullName -Encoding utf8)
    $problems = [System.Collections.Generic.List[string]]::new()
    if ($doc.UnclosedFence) { $problems.Add('has a code fence that is never closed (everything after it is code)') }

    $sectionParagraphs = {
        param($name)
        if ($doc.Sections.Contains($name)) { Get-Paragraph (ConvertTo-MarkdownBlock $doc.Sections[$name].Lines) } else { @() }
    }
    $subsections = {
        param($name)
        if ($doc.Sections.Contains($name)) { @($doc.Sections[$name].Subsections) } else { @() }
    }

    $examples = foreach ($sub in & $subsections 'EXAMPLES') {
        $blocks = ConvertTo-MarkdownBlock $sub.Lines
        [pscustomobject]@{
            Title   = $sub.Title
            Code    = (@($blocks | Where-Object Kind -eq 'Code' | ForEach-Object Text) -join "`n`n")
            Remarks = @(Get-Paragraph ($blocks | Where-Object Kind -eq 'Paragraph'))
        }
    }

    $parameters = [ordered]@{}
    foreach ($sub in & $subsections 'PARAMETERS') {
        if ($sub.Title -eq 'CommonParameters') { continue }
        $name = $sub.Title.Trim().TrimStart('-')
        if ($parameters.Contains($name)) { $problems.Add("documents parameter -$name more than once"); continue }
        $blocks = ConvertTo-MarkdownBlock $sub.Lines
        $default = $null
        foreach ($yaml in $blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' }) {
            if (-not $default -and $yaml.Text -match '(?m)^\s*Default value:[ \t]*(\S.*?)\s*$') { $default = $Matches[1] }
        }
        $parameters[$name] = [pscustomobject]@{ Description = @(Get-Paragraph $blocks); DefaultValue = $default }
    }

    $typeEntries = {
        param($name)
        foreach ($sub in & $subsections $name) {
            [pscustomobject]@{ TypeName = $sub.Title; Description = @(Get-Paragraph (ConvertTo-MarkdownBlock $sub.Lines)) }
        }
    }

    $links = foreach ($line in $(if ($doc.Sections.Contains('RELATED LINKS')) { $doc.Sections['RELATED LINKS'].Lines })) {
        $text = $line.Trim() -replace '^[-*+]\s+', ''
        if (-not $text) { continue }
        if ($text -match '^\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)$') {
            $uri = if ([uri]::IsWellFormedUriString($Matches.uri, [UriKind]::Absolute)) { $Matches.uri } else { '' }
            [pscustomobject]@{ Text = $Matches.text; Uri = $uri }
        }
        else {
            [pscustomobject]@{ Text = $text; Uri = '' }
        }
    }

    [pscustomobject]@{
        File          = $File.FullName
        Name          = $doc.Title
        OnlineVersion = $doc.FrontMatter['online version']
        Synopsis      = (@(& $sectionParagraphs 'SYNOPSIS') -join ' ')
        Description   = @(& $sectionParagraphs 'DESCRIPTION')
        Examples      = @($examples)
        Parameters    = $parameters
        Inputs        = @(& $typeEntries 'INPUTS')
        Outputs       = @(& $typeEntries 'OUTPUTS')
        Notes         = @(& $sectionParagraphs 'NOTES')
        Links         = @($links)
        Problems      = $problems
    }
}

#endregion

#region Command metadata

function Get-HelpTypeName {
    # Type name as platyPS writes it (String[], SwitchParameter, Int32 for Nullable[Int32]);
    # other generic types as a PowerShell type literal: System.Collections.Generic.List[string].
    param([type] $Type)

    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return $underlying.Name }
    if ($Type.IsGenericType) { return [Microsoft.PowerShell.ToStringCodeMethods]::Type([psobject]$Type) }
    $Type.Name
}

function Get-PipelineInputText {
    param([bool] $ByValue, [bool] $ByPropertyName, [bool] $FromRemainingArguments)

    $kinds = @(
        if ($ByPropertyName) { 'ByPropertyName' }
        if ($ByValue) { 'ByValue' }
        if ($FromRemainingArguments) { 'FromRemainingArguments' }
    )
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-CommandHelpMetadata {
    # Syntax (one entry per parameter set, default set first) and the aggregated parameter list,
    # both without common parameters (WhatIf and Confirm are kept).
    param([System.Management.Automation.CommandInfo] $Command)

    $sets = @($Command.ParameterSets | Where-Object IsDefault) + @($Command.ParameterSets | Where-Object { -not $_.IsDefault })

    $syntax = foreach ($set in $sets) {
        $parameters = @($set.Parameters | Where-Object Name -notin $script:CommonParameterNames | ForEach-Object {
                [pscustomobject]@{
                    Name                   = $_.Name
                    TypeName               = Get-HelpTypeName $_.ParameterType
                    IsSwitch               = $_.ParameterType -eq [System.Management.Automation.SwitchParameter]
                    IsArray                = $_.ParameterType.IsArray
                    Required               = $_.IsMandatory
                    Position               = if ($_.Position -eq [int]::MinValue) { 'named' } else { [string]$_.Position }
                    ByValue                = $_.ValueFromPipeline
                    ByPropertyName         = $_.ValueFromPipelineByPropertyName
                    FromRemainingArguments = $_.ValueFromRemainingArguments
                    Globbing               = [bool]@($_.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                    Aliases                = @($_.Aliases)
                }
            })
        # Display order as PowerShell's own syntax: positional by position, then named, WhatIf/Confirm last.
        $positional = @($parameters | Where-Object Position -ne 'named' | Sort-Object { [int]$_.Position })
        $named = @($parameters | Where-Object { $_.Position -eq 'named' -and -not $script:ShouldProcessDescriptions.ContainsKey($_.Name) })
        $risk = @($parameters | Where-Object { $_.Position -eq 'named' -and $script:ShouldProcessDescriptions.ContainsKey($_.Name) })
        [pscustomobject]@{ SetName = $set.Name; Parameters = @($positional + $named + $risk) }
    }

    # One entry per parameter for the PARAMETERS section: required only if mandatory in every set
    # it belongs to, position from the first set (default set first), pipeline input of all sets.
    $parameters = [ordered]@{}
    foreach ($entry in @($syntax | ForEach-Object { $_.Parameters })) {
        if (-not $parameters.Contains($entry.Name)) {
            $parameters[$entry.Name] = $entry.PSObject.Copy()
            continue
        }
        $known = $parameters[$entry.Name]
        $known.Required = $known.Required -and $entry.Required
        $known.ByValue = $known.ByValue -or $entry.ByValue
        $known.ByPropertyName = $known.ByPropertyName -or $entry.ByPropertyName
        $known.FromRemainingArguments = $known.FromRemainingArguments -or $entry.FromRemainingArguments
    }

    [pscustomobject]@{
        Name       = $Command.Name
        Syntax     = @($syntax)
        Parameters = $parameters
    }
}

#endregion

#region Checks

function Test-HelpSource {
    # Every problem that makes the help incomplete or wrong, one line each, naming command and parameter.
    param([object[]] $Commands, [object[]] $Docs, [string] $MarkdownPath)

    $problems = [System.Collections.Generic.List[string]]::new()
    $docsByName = @{}
    foreach ($doc in $Docs) {
        $fileName = [System.IO.Path]::GetFileName($doc.File)
        foreach ($problem in $doc.Problems) { $problems.Add("${fileName}: $problem") }
        if (-not $doc.Name) { $problems.Add("${fileName}: has no '# <Command-Name>' title"); continue }
        if ([System.IO.Path]::GetFileNameWithoutExtension($doc.File) -ne $doc.Name) {
            $problems.Add("${fileName}: title '# $($doc.Name)' does not match the file name")
        }
        if ($docsByName.ContainsKey($doc.Name)) { $problems.Add("${fileName}: $($doc.Name) is already documented in $([System.IO.Path]::GetFileName($docsByName[$doc.Name].File))"); continue }
        $docsByName[$doc.Name] = $doc
    }

    $commandNames = @($Commands.Name)
    foreach ($doc in $docsByName.Values | Where-Object Name -notin $commandNames) {
        $problems.Add("$([System.IO.Path]::GetFileName($doc.File)): documents $($doc.Name), which the module does not export")
    }

    foreach ($command in $Commands) {
        $name = $command.Name
        $doc = $docsByName[$name]
        if (-not $doc) { $problems.Add("${name}: no markdown file ($(Join-Path $MarkdownPath "$name.md"))"); continue }

        if (-not $doc.Synopsis) { $problems.Add("${name}: ## SYNOPSIS is missing or empty") }
        if (-not $doc.Description) { $problems.Add("${name}: ## DESCRIPTION is missing or empty") }
        if (-not $doc.Examples) { $problems.Add("${name}: ## EXAMPLES has no '### Example' section") }
        foreach ($example in $doc.Examples | Where-Object { -not $_.Code.Trim() }) {
            $problems.Add("${name}: example '$($example.Title)' has no code block")
        }

        foreach ($parameter in $command.Parameters.Keys) {
            $documented = $doc.Parameters.Contains($parameter) -and $doc.Parameters[$parameter].Description
            if (-not $documented -and -not $script:ShouldProcessDescriptions.ContainsKey($parameter)) {
                $problems.Add("${name}: parameter -$parameter has no description (### -$parameter under ## PARAMETERS)")
            }
        }
        foreach ($parameter in $doc.Parameters.Keys | Where-Object { -not $command.Parameters.Contains($_) }) {
            $problems.Add("${name}: documents parameter -$parameter, which the command does not have")
        }
    }
    , $problems
}

#endregion

#region MAML

function Write-MamlText {
    # <prefix:name>text</prefix:name>; the writer escapes the text.
    param([System.Xml.XmlWriter] $Writer, [string] $Prefix, [string] $Name, [string] $Text)

    $Writer.WriteStartElement($Prefix, $Name, $script:Ns[$Prefix])
    if ($Text) { $Writer.WriteString($Text) }
    $Writer.WriteEndElement()
}

function Write-MamlParagraphs {
    # <prefix:name><maml:para>..</maml:para>...</prefix:name>
    param([System.Xml.XmlWriter] $Writer, [string] $Prefix, [string] $Name, [string[]] $Paragraphs)

    $Writer.WriteStartElement($Prefix, $Name, $script:Ns[$Prefix])
    foreach ($paragraph in $Paragraphs) { Write-MamlText $Writer 'maml' 'para' $paragraph }
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter] $Writer, $Parameter, [string[]] $Description, [string] $DefaultValue, [switch] $InSyntax)

    $Writer.WriteStartElement('command', 'parameter', $script:Ns.command)
    $Writer.WriteAttributeString('required', ([string]$Parameter.Required).ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', ([string]$Parameter.Globbing).ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInputText $Parameter.ByValue $Parameter.ByPropertyName $Parameter.FromRemainingArguments))
    $Writer.WriteAttributeString('position', $Parameter.Position)
    $Writer.WriteAttributeString('aliases', $(if ($Parameter.Aliases) { $Parameter.Aliases -join ', ' } else { 'none' }))

    Write-MamlText $Writer 'maml' 'name' $Parameter.Name
    Write-MamlParagraphs $Writer 'maml' 'description' $Description
    if (-not ($InSyntax -and $Parameter.IsSwitch)) {
        # The syntax shows switches as [-Force], not [-Force <SwitchParameter>].
        $Writer.WriteStartElement('command', 'parameterValue', $script:Ns.command)
        $Writer.WriteAttributeString('required', ([string](-not $Parameter.IsSwitch)).ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', ([string]$Parameter.IsArray).ToLowerInvariant())
        $Writer.WriteString($Parameter.TypeName)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $script:Ns.dev)
    Write-MamlText $Writer 'maml' 'name' $Parameter.TypeName
    Write-MamlText $Writer 'maml' 'uri' $null
    $Writer.WriteEndElement()
    if (-not $DefaultValue -or $DefaultValue -eq 'None') { $DefaultValue = if ($Parameter.IsSwitch) { 'False' } else { 'None' } }
    Write-MamlText $Writer 'dev' 'defaultValue' $DefaultValue
    $Writer.WriteEndElement()
}

function Get-ExampleTitle {
    # "### Example 1: Foo" -> "------------- Example 1: Foo -------------" (as platyPS pads it).
    param([string] $Title)

    if ($Title.Length -ge 62) { return $Title }
    $pad = '-' * [math]::Floor((64 - $Title.Length - 2) / 2)
    "$pad $Title $pad"
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter] $Writer, $Metadata, $Doc)

    $parameterHelp = {
        param($name)
        $documented = if ($Doc.Parameters.Contains($name)) { $Doc.Parameters[$name] }
        [pscustomobject]@{
            Description  = if ($documented -and $documented.Description) { $documented.Description } else { @($script:ShouldProcessDescriptions[$name]) }
            DefaultValue = if ($documented) { $documented.DefaultValue }
        }
    }

    $Writer.WriteStartElement('command', 'command', $script:Ns.command)
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') {
        $Writer.WriteAttributeString('xmlns', $prefix, $null, $script:Ns[$prefix])
    }

    $verb, $noun = $Metadata.Name -split '-', 2
    $Writer.WriteStartElement('command', 'details', $script:Ns.command)
    Write-MamlText $Writer 'command' 'name' $Metadata.Name
    Write-MamlText $Writer 'command' 'verb' $verb
    Write-MamlText $Writer 'command' 'noun' $noun
    Write-MamlParagraphs $Writer 'maml' 'description' @($Doc.Synopsis)
    $Writer.WriteEndElement()

    Write-MamlParagraphs $Writer 'maml' 'description' $Doc.Description

    $Writer.WriteStartElement('command', 'syntax', $script:Ns.command)
    foreach ($item in $Metadata.Syntax) {
        $Writer.WriteStartElement('command', 'syntaxItem', $script:Ns.command)
        Write-MamlText $Writer 'maml' 'name' $Metadata.Name
        foreach ($parameter in $item.Parameters) {
            $help = & $parameterHelp $parameter.Name
            Write-MamlParameter $Writer $parameter $help.Description $help.DefaultValue -InSyntax
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    # PARAMETERS in the markdown's order; WhatIf/Confirm not in the markdown go last.
    $order = @($Doc.Parameters.Keys | ForEach-Object { $p = $_; $Metadata.Parameters.Keys | Where-Object { $_ -eq $p } }) +
        @($Metadata.Parameters.Keys | Where-Object { -not $Doc.Parameters.Contains($_) })
    $Writer.WriteStartElement('command', 'parameters', $script:Ns.command)
    foreach ($name in $order) {
        $help = & $parameterHelp $name
        Write-MamlParameter $Writer $Metadata.Parameters[$name] $help.Description $help.DefaultValue
    }
    $Writer.WriteEndElement()

    foreach ($section in @(
            @{ List = 'inputTypes'; Item = 'inputType'; Entries = $Doc.Inputs },
            @{ List = 'returnValues'; Item = 'returnValue'; Entries = $Doc.Outputs })) {
        if (-not $section.Entries) { continue }
        $Writer.WriteStartElement('command', $section.List, $script:Ns.command)
        foreach ($entry in $section.Entries) {
            $Writer.WriteStartElement('command', $section.Item, $script:Ns.command)
            $Writer.WriteStartElement('dev', 'type', $script:Ns.dev)
            Write-MamlText $Writer 'maml' 'name' $entry.TypeName
            $Writer.WriteEndElement()
            Write-MamlParagraphs $Writer 'maml' 'description' $entry.Description
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    if ($Doc.Notes) {
        $Writer.WriteStartElement('maml', 'alertSet', $script:Ns.maml)
        Write-MamlParagraphs $Writer 'maml' 'alert' $Doc.Notes
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $script:Ns.command)
    foreach ($example in $Doc.Examples) {
        $Writer.WriteStartElement('command', 'example', $script:Ns.command)
        Write-MamlText $Writer 'maml' 'title' (Get-ExampleTitle $example.Title)
        Write-MamlText $Writer 'dev' 'code' $example.Code
        Write-MamlParagraphs $Writer 'dev' 'remarks' $example.Remarks
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    # Get-Help -Online opens the first link that has a uri: the md's "online version", if any.
    $links = @(if ($Doc.OnlineVersion) { [pscustomobject]@{ Text = 'Online Version:'; Uri = $Doc.OnlineVersion } }) + $Doc.Links
    if ($links) {
        $Writer.WriteStartElement('command', 'relatedLinks', $script:Ns.command)
        foreach ($link in $links) {
            $Writer.WriteStartElement('maml', 'navigationLink', $script:Ns.maml)
            Write-MamlText $Writer 'maml' 'linkText' $link.Text
            Write-MamlText $Writer 'maml' 'uri' $link.Uri
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    $Writer.WriteEndElement()
}

function Write-MamlHelp {
    # Writes the whole file next to the target and moves it into place, so a failure leaves no half file.
    param([object[]] $Entries, [string] $Path)

    $directory = Split-Path -Parent $Path
    if ($directory) { $null = New-Item -ItemType Directory -Path $directory -Force }
    $temporary = "$Path.tmp"

    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.NewLineChars = "`n"
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $writer = [System.Xml.XmlWriter]::Create($temporary, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', $script:Ns.msh)
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($entry in $Entries) { Write-MamlCommand $writer $entry.Metadata $entry.Doc }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally {
        $writer.Dispose()
    }
    Move-Item -LiteralPath $temporary -Destination $Path -Force
}

#endregion

$manifest = (Resolve-Path -LiteralPath $ModuleManifest).ProviderPath
$markdownFolder = (Resolve-Path -LiteralPath $MarkdownPath).ProviderPath
$OutputPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)

$module = Import-Module -Name $manifest -Force -PassThru -ErrorAction Stop | Select-Object -First 1
$commands = @($module.ExportedCommands.Values | Where-Object CommandType -in 'Cmdlet', 'Function' | Sort-Object Name)
$docs = @(Get-ChildItem -LiteralPath $markdownFolder -Filter '*.md' -File |
        Where-Object { $_.Name -ne 'README.md' -and $_.Name -notlike 'about_*' } |
        Sort-Object Name |
        ForEach-Object { Read-CommandMarkdown -File $_ })
$metadata = @($commands | ForEach-Object { Get-CommandHelpMetadata -Command $_ })

$problems = Test-HelpSource -Commands $metadata -Docs $docs -MarkdownPath $MarkdownPath
if ($problems.Count -gt 0) {
    throw "Help for module $($module.Name) is incomplete ($($problems.Count) problem(s)); nothing was written:`n  - $($problems -join "`n  - ")"
}

$entries = foreach ($command in $metadata) {
    [pscustomobject]@{ Metadata = $command; Doc = $docs | Where-Object Name -eq $command.Name }
}
Write-MamlHelp -Entries $entries -Path $OutputPath
Write-Host "Wrote help for $($entries.Count) command(s) of $($module.Name) to $OutputPath"
