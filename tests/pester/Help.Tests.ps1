#Requires -Version 7.2
<#
Checks the built module's help: en-US/SharedMigrations.Cmdlets.dll-Help.xml (generated from
docs/commands/*.md by build/New-MamlHelp.ps1) and en-US/about_SharedMigrations.help.txt.
Modelled on Pester's own tst/Help.Tests.ps1.

    $env:SHAREDMIGRATIONS_MODULE_MANIFEST = '<built module>/SharedMigrations.psd1'
    Invoke-Pester -Path ./tests/pester/Help.Tests.ps1 -Output Detailed

Run it in a fresh pwsh: Get-Help caches help per session.
#>
Set-StrictMode -Version Latest

BeforeDiscovery {
    $manifest = $env:SHAREDMIGRATIONS_MODULE_MANIFEST
    if ([string]::IsNullOrWhiteSpace($manifest)) {
        throw 'SHAREDMIGRATIONS_MODULE_MANIFEST is not set. Set it to the manifest of the built module, e.g. $env:SHAREDMIGRATIONS_MODULE_MANIFEST = "<output>/SharedMigrations/SharedMigrations.psd1", then run the tests again.'
    }
    if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
        throw "SHAREDMIGRATIONS_MODULE_MANIFEST is '$manifest', which is not a file. Build the module first."
    }

    $commonParameters = @(
        'Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction',
        'ErrorVariable', 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable'
    )
    $module = Import-Module -Name $manifest -Force -PassThru -ErrorAction Stop | Select-Object -First 1
    $commandCases = @(
        foreach ($command in $module.ExportedCommands.Values | Where-Object CommandType -in 'Cmdlet', 'Function' | Sort-Object Name) {
            @{
                CommandName = $command.Name
                ModuleName  = $module.Name
                # WhatIf and Confirm stay: the help documents them like any other parameter.
                Parameters  = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters } | ForEach-Object { @{ ParameterName = $_ } })
            }
        }
    )
}

BeforeAll {
    Set-StrictMode -Version Latest
    Import-Module -Name $env:SHAREDMIGRATIONS_MODULE_MANIFEST -ErrorAction Stop   # no-op if discovery loaded it

    $CommonParameters = @(
        'Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction',
        'ErrorVariable', 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable'
    )

    function Get-HelpProperty {
        # A property of a help object, or $null: help objects omit properties that have no content.
        param($InputObject, [string] $Name)
        if ($null -eq $InputObject) { return $null }
        $property = $InputObject.PSObject.Properties[$Name]
        if ($property) { $property.Value }
    }

    function Get-HelpText {
        # Text of a help description (an array of paragraph objects with a Text property).
        param($Paragraphs)
        (@($Paragraphs | Where-Object { $_ } | ForEach-Object { Get-HelpProperty $_ 'Text' }) -join "`n").Trim()
    }

    function Get-ExpectedTypeName {
        # The type name build/New-MamlHelp.ps1 writes (platyPS style).
        param([type] $Type)
        $underlying = [Nullable]::GetUnderlyingType($Type)
        if ($underlying) { return $underlying.Name }
        if ($Type.IsGenericType) { return [Microsoft.PowerShell.ToStringCodeMethods]::Type([psobject]$Type) }
        $Type.Name
    }

    function Get-ParameterSignature {
        # "Name" + "!" if mandatory + "@<position>" if positional, e.g. "Path!@0".
        param([string] $Name, [bool] $Mandatory, [string] $Position)
        $Name + $(if ($Mandatory) { '!' }) + $(if ($Position -and $Position -ne 'named') { "@$Position" })
    }
}

Describe 'Help for <CommandName>' -Tag 'Help' -ForEach $commandCases {
    BeforeAll {
        $command = Get-Command -Name $CommandName -Module $ModuleName
        $help = Get-Help -Name $CommandName -Full
        $helpParameters = @(Get-HelpProperty (Get-HelpProperty $help 'parameters') 'parameter' | Where-Object { $_ })
    }

    It 'comes from the module help file, not generated from the syntax' {
        $help.PSObject.TypeNames | Should -Not -Contain 'ExtendedCmdletHelpInfo' -Because "Get-Help falls back to generated help when en-US/*-Help.xml has no entry for $CommandName"
        $help.ModuleName | Should -Be $ModuleName
    }

    It 'has a synopsis that is not just the syntax' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without help, the synopsis is the syntax: "Get-Foo [-Path] <string[]> ...".
        $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($CommandName))((\s+\[+?-\w+)|$)"
    }

    It 'has a description' {
        Get-HelpText (Get-HelpProperty $help 'description') | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example, each with code' {
        $examples = @(Get-HelpProperty (Get-HelpProperty $help 'examples') 'example' | Where-Object { $_ })
        $examples.Count | Should -BeGreaterThan 0 -Because 'every command needs an example'
        $withoutCode = @($examples | Where-Object { -not "$(Get-HelpProperty $_ 'code')".Trim() } | ForEach-Object { "$(Get-HelpProperty $_ 'title')".Trim('- ') })
        $withoutCode | Should -BeNullOrEmpty -Because 'no example may be without code'
    }

    It 'documents exactly the parameters of the command' {
        $expected = @($command.Parameters.Keys | Where-Object { $_ -notin $CommonParameters })
        $documented = @($helpParameters | ForEach-Object name)
        @($expected | Where-Object { $_ -notin $documented }) | Should -BeNullOrEmpty -Because 'every parameter of Get-Command must be in the help'
        @($documented | Where-Object { $_ -notin $expected }) | Should -BeNullOrEmpty -Because 'the help must not document parameters the command does not have'
    }

    It 'has one syntax item per parameter set, with the same parameters, mandatory flags and positions' {
        $expected = @(foreach ($set in $command.ParameterSets) {
                (@($set.Parameters | Where-Object Name -notin $CommonParameters | Sort-Object Name | ForEach-Object {
                            Get-ParameterSignature $_.Name $_.IsMandatory $(if ($_.Position -ne [int]::MinValue) { [string]$_.Position })
                        }) -join ' ')
            }) | Sort-Object
        $actual = @(foreach ($item in @(Get-HelpProperty (Get-HelpProperty $help 'syntax') 'syntaxItem' | Where-Object { $_ })) {
                (@(Get-HelpProperty $item 'parameter' | Where-Object { $_ } | Sort-Object name | ForEach-Object {
                            Get-ParameterSignature $_.name ($_.required -eq 'true') $_.position
                        }) -join ' ')
            }) | Sort-Object
        ($actual -join "`n") | Should -BeExactly ($expected -join "`n")
    }

    Context 'parameter -<ParameterName>' -ForEach $Parameters {
        BeforeAll {
            $metadata = $command.Parameters[$ParameterName]
            $matching = @($helpParameters | Where-Object name -eq $ParameterName)
            $parameterHelp = $matching | Select-Object -First 1   # $null if missing: the tests below then fail on $null
        }

        It 'is documented once' {
            $matching.Count | Should -Be 1 -Because "-$ParameterName must be in the help's PARAMETERS exactly once"
        }

        It 'has a description' {
            Get-HelpText (Get-HelpProperty $parameterHelp 'description') | Should -Not -BeNullOrEmpty
        }

        It 'has the type of the command parameter' {
            Get-HelpProperty (Get-HelpProperty $parameterHelp 'type') 'name' | Should -BeExactly (Get-ExpectedTypeName $metadata.ParameterType)
        }

        It 'has the mandatory flag of the command parameter' {
            # Required in help = mandatory in every parameter set the parameter belongs to
            # (per-set flags are checked on the syntax items).
            $mandatory = @($metadata.ParameterSets.Values | Where-Object { -not $_.IsMandatory }).Count -eq 0
            Get-HelpProperty $parameterHelp 'required' | Should -Be ([string]$mandatory).ToLowerInvariant()
        }

        It 'has the pipeline input, aliases and wildcard support of the command parameter' {
            $sets = @($metadata.ParameterSets.Values)
            $pipeline = @(
                if ($sets.ValueFromPipelineByPropertyName -contains $true) { 'ByPropertyName' }
                if ($sets.ValueFromPipeline -contains $true) { 'ByValue' }
                if ($sets.ValueFromRemainingArguments -contains $true) { 'FromRemainingArguments' }
            )
            Get-HelpProperty $parameterHelp 'pipelineInput' | Should -Be $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' })

            $aliases = @($metadata.Aliases)
            Get-HelpProperty $parameterHelp 'aliases' | Should -Be $(if ($aliases) { $aliases -join ', ' } else { 'none' })

            $wildcards = [bool]@($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            Get-HelpProperty $parameterHelp 'globbing' | Should -Be ([string]$wildcards).ToLowerInvariant()
        }
    }
}

Describe 'about_SharedMigrations' -Tag 'Help' {
    It 'is a help topic with text' {
        $about = @(Get-Help -Name about_SharedMigrations -ErrorAction Stop)
        # A missing topic can come back as full-text search hits instead of an error.
        $about.Count | Should -Be 1
        $about[0].Category | Should -Be 'HelpFile'
        $about[0].Name | Should -Be 'about_SharedMigrations'
        ($about[0] | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }
}
